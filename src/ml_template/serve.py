"""``make serve``: the registry's champion on MLflow's scoring protocol, hardened.

MLflow's own app (:func:`mlflow.pyfunc.scoring_server.init`, what ``mlflow models
serve`` runs) answers ``/ping``, ``/health`` and ``/version``. ``/invocations`` is
answered here with the same request formats (JSON ``dataframe_split``,
``dataframe_records``, ``instances``, ``inputs``; CSV; Parquet) and the same response
(``{"predictions": [...]}``), so existing clients work unchanged, and:

- a body over ``SERVING_MAX_BYTES`` (environment, default 16 MiB) is refused with 413
  from its ``Content-Length`` before it is read, or as soon as a streamed body passes
  the limit;
- a body that is not UTF-8 JSON, is nested deeper than Python's recursion limit or is
  in no known format is a 400 with one line saying so;
- no answer carries a stack trace: the model's own refusals keep their status and
  message (400 for rows that break the contract, 413 over ``SERVING_MAX_ROWS``); any
  other failure is a 500 whose traceback goes to the server's log only.

Run::

    python -m ml_template.serve --port 5001          # make serve PORT=5001
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from ml_template.quiet import silence_known_noise

logger = logging.getLogger(__name__)

MAX_BYTES_VARIABLE = "SERVING_MAX_BYTES"
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_PORT = 5001
_JSON, _CSV, _PARQUET = "application/json", "text/csv", "application/vnd.apache.parquet"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Refusal(Exception):
    """A request answered with an error status and a one-line message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def json(self) -> str:
        """The answer's body, as MLflow words its errors."""
        return json.dumps({"error_code": self.code, "message": self.message})


class ScoringApp:
    """ASGI app: ``POST /invocations`` here, every other route MLflow's own."""

    def __init__(self, model: Any, max_bytes: int | None = None) -> None:
        from mlflow.environment_variables import (  # noqa: PLC0415
            MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT,
        )
        from mlflow.pyfunc import scoring_server  # noqa: PLC0415

        self.model = model
        self.mlflow_app = scoring_server.init(model)
        self.max_bytes = max_bytes or int(
            os.environ.get(MAX_BYTES_VARIABLE, DEFAULT_MAX_BYTES)
        )
        self.timeout = MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT.get()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope["path"] == "/invocations"
            and scope["method"] == "POST"
        ):
            await self.mlflow_app(scope, receive, send)
            return
        try:
            body = await self._body(scope, receive)
            data = _parse(body, _header(scope, b"content-type") or _JSON)
            answer = await self._predict(data)
        except Refusal as refusal:
            await _respond(send, refusal.status, refusal.json())
            return
        await _respond(send, 200, answer)

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        """The request's body, refused (413) past :attr:`max_bytes` before or while
        it is read."""
        declared = _header(scope, b"content-length")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) > self.max_bytes
        ):
            await self._discard(receive)
            raise self._too_large(int(declared))
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                if message.get("more_body"):
                    await self._discard(receive)
                raise self._too_large(size, more=True)
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _discard(self, receive: Receive) -> None:
        """Read what is left of a refused body without keeping it, up to four times
        the limit, so that a client that sends its whole body before reading gets the
        413 (past that, the connection is closed on it)."""
        left = 4 * self.max_bytes
        while left > 0:
            message = await receive()
            left -= len(message.get("body", b""))
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                return

    def _too_large(self, size: int, more: bool = False) -> Refusal:
        return Refusal(
            413,
            "PAYLOAD_TOO_LARGE",
            f"The request body is {'over ' if more else ''}{size:,} bytes; the limit is "
            f"{self.max_bytes:,} ({MAX_BYTES_VARIABLE}). Send smaller batches, or score "
            "files with `kedro run --pipelines inference`.",
        )

    async def _predict(self, data: Any) -> str:
        """The model's predictions as MLflow's JSON response."""
        from mlflow.exceptions import MlflowException  # noqa: PLC0415
        from mlflow.pyfunc.scoring_server import predictions_to_json  # noqa: PLC0415

        try:
            predictions = await asyncio.wait_for(
                asyncio.to_thread(self.model.predict, data), self.timeout
            )
        except MlflowException as error:
            raise Refusal(
                error.get_http_status_code(), error.error_code, error.message
            ) from None
        except TimeoutError:
            raise Refusal(
                504, "TIMEOUT", f"Scoring took longer than {self.timeout} s."
            ) from None
        except Exception:
            logger.exception("The model failed on a request")
            raise Refusal(
                500,
                "INTERNAL_ERROR",
                "The model failed on this request; the server's log has the details.",
            ) from None
        answer = io.StringIO()
        predictions_to_json(predictions, answer)
        return answer.getvalue()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _parse(body: bytes, content_type: str) -> Any:
    """The rows of a request, as MLflow's scoring server reads them."""
    from mlflow.exceptions import MlflowException  # noqa: PLC0415
    from mlflow.pyfunc import scoring_server  # noqa: PLC0415

    mime = content_type.split(";", maxsplit=1)[0].strip().lower()
    try:
        if mime == _JSON:
            return scoring_server.infer_and_parse_data(_json_object(body))
        if mime == _CSV:
            return scoring_server.parse_csv_input(io.StringIO(_text(body)))
        if mime == _PARQUET:
            return scoring_server.parse_parquet_input(io.BytesIO(body))
    except MlflowException as error:
        raise Refusal(400, "BAD_REQUEST", error.message) from None
    raise Refusal(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        f"Content-Type {content_type!r} is not one of {_JSON}, {_CSV}, {_PARQUET}.",
    )


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refusal(
            400, "BAD_REQUEST", f"The body is not UTF-8 text: {error}."
        ) from None


def _json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; malformed, deeply nested or other JSON is a 400."""
    try:
        parsed = json.loads(_text(body))
    except json.JSONDecodeError as error:
        raise Refusal(
            400, "BAD_REQUEST", f"The body is not valid JSON: {error}."
        ) from None
    except RecursionError:
        raise Refusal(
            400, "BAD_REQUEST", "The JSON body is nested too deeply to read."
        ) from None
    if not isinstance(parsed, dict):
        raise Refusal(
            400,
            "BAD_REQUEST",
            "The JSON body must be an object with one of dataframe_split, "
            "dataframe_records, instances or inputs.",
        )
    return parsed


async def _respond(send: Send, status: int, body: str) -> None:
    content = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


def main(argv: list[str] | None = None) -> None:
    """Serve ``models:/<model_name>@champion`` (or ``--model-uri``) until stopped."""
    silence_known_noise()
    parser = argparse.ArgumentParser(prog="python -m ml_template.serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--model-uri", help="default: the registry's champion")
    args = parser.parse_args(argv)
    model, uri = _load(args.model_uri)
    logger.info("Serving %s on http://%s:%d/invocations", uri, args.host, args.port)
    import uvicorn  # noqa: PLC0415

    uvicorn.run(ScoringApp(model), host=args.host, port=args.port, log_level="warning")


def _load(model_uri: str | None) -> tuple[Any, str]:
    """The model to serve and its URI; a clear exit when there is none."""
    import mlflow  # noqa: PLC0415

    from ml_template.runs.project import project_paths  # noqa: PLC0415
    from ml_template.runs.registry import CHAMPION, champion_version  # noqa: PLC0415
    from ml_template.runs.tracking import connect  # noqa: PLC0415

    settings = project_paths().tracking
    client = connect(settings)
    if model_uri is None:
        name = settings.model_name
        version = champion_version(client, name)
        if version is None:
            raise SystemExit(
                f"No version of {name} holds the `{CHAMPION}` alias yet: train one "
                "with `make run` (a completed run becomes the champion)."
            )
        model_uri = f"models:/{name}/{version}"
        logger.info("%s@%s is version %s", name, CHAMPION, version)
    # MLflow's check of installed packages against the model's requirements takes
    # about 0.7 s of a 2.4 s load here: it runs once the server answers, and warns
    # in the server's log as load_model would.
    model = mlflow.pyfunc.load_model(model_uri, suppress_warnings=True)
    threading.Thread(target=_check_requirements, args=(model_uri,), daemon=True).start()
    return model, model_uri


def _check_requirements(model_uri: str) -> None:
    """Warn about installed packages that differ from the model's requirements."""
    from mlflow.artifacts import download_artifacts  # noqa: PLC0415
    from mlflow.utils.requirements_utils import (  # noqa: PLC0415
        warn_dependency_requirement_mismatches,
    )

    # The requirements file alone (MLflow's get_model_dependencies copies the whole
    # model again, and says so in the log).
    requirements = Path(download_artifacts(f"{model_uri}/requirements.txt"))
    warn_dependency_requirement_mismatches(requirements.read_text().splitlines())


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
