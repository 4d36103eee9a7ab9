"""moto in server mode, in this process, with Step Functions executing for real."""

from __future__ import annotations

import json
import logging
import os
import urllib.request

from moto.server import ThreadedMotoServer

from onetrip_local.moto_kms import keep_aws_sign_rules

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


class MotoServer:
    def __init__(self, port: int = 0) -> None:
        # One access-log line per AWS call drowns everything else.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        keep_aws_sign_rules()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        host, self.port = self._server.get_host_and_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        # Step Functions service integrations (sqs:sendMessage, dynamodb:putItem, …) call
        # back into moto through this port.
        os.environ["MOTO_PORT"] = str(self.port)
        self.configure()

    def _post(self, path: str, payload: object | None = None) -> None:
        data = json.dumps(payload).encode() if payload is not None else b""
        request = urllib.request.Request(
            self.endpoint_url + path,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def configure(self) -> None:
        self._post("/moto-api/config", MOTO_CONFIG)

    def reset(self) -> None:
        """Wipe every backend; the Step Functions switch is set again to be safe."""
        self._post("/moto-api/reset")
        self.configure()

    def stop(self) -> None:
        self._server.stop()
