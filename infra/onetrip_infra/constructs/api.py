"""The HTTP API: JWT authorizer by default, access logs, and a way to add routes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from aws_cdk import (
    CfnOutput,
    RemovalPolicy,
    Stack,
    aws_apigatewayv2,
    aws_apigatewayv2_authorizers,
    aws_apigatewayv2_integrations,
    aws_cognito,
    aws_lambda,
    aws_logs,
)
from constructs import Construct
from onetrip.domain.access import Role

from onetrip_infra import config
from onetrip_infra.config import acknowledge, pin_logical_id
from onetrip_infra.stages import OidcProvider

__all__ = ["Api", "OidcProvider"]


# Claims the handlers read besides `sub` and `cognito:groups` (onetrip.domain.access).
_CUSTOM_ATTRIBUTES = ("agency", "unit", "idNumber", "district")

# Access-log line: request facts only, never bodies or claims (they carry personal data).
_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
    }
)


class Api(Construct):
    """HTTP API with a JWT authorizer: Cognito where it exists, else the OIDC provider."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        oidc: OidcProvider | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.removal_policy = removal_policy
        self.user_pool: aws_cognito.UserPool | None = None
        self.user_pool_client: aws_cognito.UserPoolClient | None = None
        if oidc is None:
            oidc = self._cognito()

        self.authorizer = aws_apigatewayv2_authorizers.HttpJwtAuthorizer(
            "JwtAuthorizer", oidc.issuer, jwt_audience=[oidc.audience]
        )
        self.http_api = aws_apigatewayv2.HttpApi(
            self,
            "HttpApi",
            description="onetrip: 最多跑一次 public-security services",
            default_authorizer=self.authorizer,
        )
        pin_logical_id(self.http_api, "HttpApi")

        self.access_logs = aws_logs.LogGroup(
            self,
            "AccessLogs",
            retention=config.LOG_RETENTION,
            removal_policy=removal_policy,
        )
        pin_logical_id(self.access_logs, "HttpApiAccessLogs")
        stage = self.http_api.default_stage
        assert stage is not None
        cfn_stage = stage.node.default_child
        assert isinstance(cfn_stage, aws_apigatewayv2.CfnStage)
        cfn_stage.access_log_settings = aws_apigatewayv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=self.access_logs.log_group_arn, format=_ACCESS_LOG_FORMAT
        )
        cfn_stage.default_route_settings = aws_apigatewayv2.CfnStage.RouteSettingsProperty(
            throttling_rate_limit=config.API_RATE_LIMIT,
            throttling_burst_limit=config.API_BURST_LIMIT,
        )

        self._integrations: dict[str, aws_apigatewayv2_integrations.HttpLambdaIntegration] = {}
        self.url_output = CfnOutput(self, "Url", value=self.url, description="HTTP API base URL")
        self.url_output.override_logical_id("ApiUrl")

    @property
    def url(self) -> str:
        url = self.http_api.url
        assert url is not None
        return url

    def add_routes(
        self,
        function: aws_lambda.IFunction,
        routes: Sequence[tuple[str, str]],
        *,
        public: bool = False,
        public_reason: str = "liveness probe / API documentation",
    ) -> list[aws_apigatewayv2.HttpRoute]:
        """Route `(method, path)` pairs to a function; `public` skips the JWT authorizer
        (health, API docs, issuer metadata, and public notices such as the abolished-proofs
        catalogue); `public_reason` says why in the cdk-nag acknowledgement."""
        key = function.node.path
        integration = self._integrations.get(key)
        if integration is None:
            # One invoke permission per function for this API (source arn
            # `…:<apiId>/*/*/*`) instead of one per route: the stack is near
            # CloudFormation's 500 resources, and every route of the API is ours anyway.
            integration = aws_apigatewayv2_integrations.HttpLambdaIntegration(
                f"{function.node.id}Integration", function, scope_permission_to_route=False
            )
            self._integrations[key] = integration
        created: list[aws_apigatewayv2.HttpRoute] = []
        for method, path in routes:
            added = self.http_api.add_routes(
                path=path,
                methods=[aws_apigatewayv2.HttpMethod(method)],
                integration=integration,
                authorizer=aws_apigatewayv2.HttpNoneAuthorizer() if public else None,
            )
            for route in added:
                for child in route.node.children:
                    # CDK names it after the stack and the first route that bound the
                    # function: pinned, it is the same in every stage and route order.
                    if isinstance(child, aws_lambda.CfnPermission):
                        child.override_logical_id(f"{function.node.id}ApiPermission")
            if public:
                for route in added:
                    acknowledge(
                        route,
                        "APIG4",
                        f"{method} {path} is public by design ({public_reason}); it serves "
                        "no personal data.",
                    )
            created += added
        return created

    def _cognito(self) -> OidcProvider:
        """A user pool with one group per role; the groups arrive as `cognito:groups`."""
        pool = aws_cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=aws_cognito.SignInAliases(username=True),
            mfa=aws_cognito.Mfa.REQUIRED,
            mfa_second_factor=aws_cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=aws_cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
            ),
            custom_attributes={
                name: aws_cognito.StringAttribute(mutable=True) for name in _CUSTOM_ATTRIBUTES
            },
            account_recovery=aws_cognito.AccountRecovery.NONE,
            removal_policy=self.removal_policy,
        )
        pin_logical_id(pool, "UserPool")
        acknowledge(
            pool,
            "COG8",
            "Staff accounts only (no self sign-up), MFA required; Plus-plan threat "
            "protection is an operational cost decision outside this stack. In China the "
            "government OIDC provider replaces this pool.",
        )
        client = pool.add_client(
            "ApiClient",
            auth_flows=aws_cognito.AuthFlow(user_srp=True),
            generate_secret=False,
        )
        pin_logical_id(client, "UserPoolClient")
        for role in Role:
            aws_cognito.UserPoolGroup(
                self, f"Group-{role.value}", user_pool=pool, group_name=role.value
            )
        self.user_pool, self.user_pool_client = pool, client
        region = Stack.of(self).region
        return OidcProvider(
            issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool.user_pool_id}",
            audience=client.user_pool_client_id,
        )
