"""Step Functions calls of the petition workflow.

Execution input and task outputs carry ids and flags only: Step Functions keeps state
and history for 90 days outside our tables, so no personal data goes there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from onetrip.dal.aws import client

_SPENT_TOKEN = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}


class Workflow:
    def __init__(self, state_machine_arn: str, sfn: Any = None) -> None:
        self.state_machine_arn = state_machine_arn
        self._sfn = sfn

    @property
    def sfn(self) -> Any:
        return self._sfn or client("stepfunctions")

    def start(self, petition_id: str) -> str:
        # Named after the petition: a retried start cannot run a second workflow.
        response = self.sfn.start_execution(
            stateMachineArn=self.state_machine_arn,
            name=petition_id,
            input=json.dumps({"petitionId": petition_id}),
        )
        return str(response["executionArn"])

    def resume(self, task_token: str, output: Mapping[str, Any]) -> bool:
        """Send the step's output; False if the workflow no longer waits on this token
        (already resumed, timed out, or the execution was stopped)."""
        try:
            self.sfn.send_task_success(taskToken=task_token, output=json.dumps(dict(output)))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _SPENT_TOKEN:
                return False
            raise
        return True
