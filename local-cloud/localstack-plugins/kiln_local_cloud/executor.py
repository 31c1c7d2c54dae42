"""One execution environment = one host JVM running AWS's Java runtime interface client."""

import json
import logging
import os
import subprocess
import threading
import time
from collections import deque
from pathlib import Path

from localstack import config
from localstack.services.lambda_.invocation.executor_endpoint import StatusErrorException
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

from kiln_local_cloud.runtime_api import Invocation, RuntimeApi

LOG = logging.getLogger(__name__)

RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"
LOG_TAIL_LINES = 2000
STOP_GRACE_SECONDS = 3
# AWS's runtime interface client unpacks its JNI library to one fixed path, /tmp/.libaws-lambda-jni.so,
# whatever java.io.tmpdir says (each Lambda sandbox has a /tmp of its own). Two JVMs starting at once
# on this host overwrite it under each other and one fails to initialise, so JVMs start one at a time,
# each until it has asked for its first invocation (the library is loaded by then).
_STARTING = threading.Lock()


def java_for(runtime: str, javas: str) -> str:
    """The java binary for a Lambda runtime (`java21`) from KILN_LAMBDA_JAVAS (`java21=/path/bin/java java25=...`):
    each runtime runs on a JVM of its own version, as on Lambda; a runtime the local cloud has no JVM for is refused."""
    known = dict(entry.split("=", 1) for entry in javas.split() if "=" in entry)
    if runtime not in known:
        raise LambdaRuntimeException(
            f"the local cloud has no JVM for runtime {runtime} (it has: {', '.join(sorted(known)) or 'none'});"
            " scripts/local-cloud sets KILN_LAMBDA_JAVAS"
        )
    return known[runtime]


def java_options(runtime: str) -> list[str]:
    """The runtime client loads its JNI library, which JDK 22 and later warn about unless it is allowed."""
    major = int(runtime.removeprefix("java") or 0)
    return ["--enable-native-access=ALL-UNNAMED"] if major >= 22 else []


def _setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise LambdaRuntimeException(
            f"{name} is not set: start LocalStack with scripts/local-cloud so the kiln-java executor"
            " knows which java and runtime interface client to use"
        )
    return value


class JavaHostExecutor(RuntimeExecutor):
    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id, function_version)
        self._env: dict[str, str] = {}
        self._api: RuntimeApi | None = None
        self._process: subprocess.Popen | None = None
        self._lines: deque[str] = deque(maxlen=LOG_TAIL_LINES)
        self._invocation_lines: list[str] | None = None
        self._lock = threading.Lock()

    # --- RuntimeExecutor -------------------------------------------------------------------------

    def start(self, env_vars: dict[str, str]) -> None:
        runtime = str(self.function_version.config.runtime or "")
        if not runtime.startswith("java"):
            raise LambdaRuntimeException(
                f"the kiln-java executor runs Java functions only; "
                f"{self.function_version.id.function_name} uses runtime '{runtime}'"
            )
        self._env = {key: str(value) for key, value in env_vars.items()}
        self._launch()

    def stop(self) -> None:
        self._shutdown_process()

    def get_address(self) -> str:
        return "127.0.0.1"

    def get_endpoint_from_executor(self) -> str:
        return "127.0.0.1"

    def get_runtime_endpoint(self) -> str:
        return f"http://127.0.0.1:{config.GATEWAY_LISTEN[0].port}/_localstack_lambda/{self.id}"

    def get_logs(self) -> str:
        return "\n".join(self._lines)

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        request_id = payload["invoke-id"]
        if not self._alive():
            # the previous invocation timed out or the JVM died: Lambda starts a fresh environment
            try:
                self._launch()
            except StatusErrorException as e:
                return InvocationResult(request_id, e.payload, is_error=True, logs=self.get_logs())
        timeout = int(self.function_version.config.timeout)
        invocation = Invocation(
            request_id=request_id,
            payload=payload["payload"].encode(),
            function_arn=payload["invoked-function-arn"],
            trace_id=payload.get("trace-id") or "",
            deadline_ms=int((time.time() + timeout) * 1000),
        )
        self._invocation_lines = []
        self._api.submit(invocation)
        deadline = time.monotonic() + timeout
        while not invocation.done.wait(0.05):
            if not self._alive():
                self._api.abandon(request_id)
                return self._failure(
                    request_id,
                    "Runtime.ExitError",
                    f"RequestId: {request_id} Error: Runtime exited with error: exit status {self._process.returncode}",
                )
            if time.monotonic() >= deadline:
                self._api.abandon(request_id)
                self._shutdown_process()
                return self._failure(
                    request_id,
                    "Sandbox.Timedout",
                    f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
                )
        return InvocationResult(request_id, invocation.result, invocation.is_error, self._take_logs())

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        pass

    # --- the JVM ---------------------------------------------------------------------------------

    def _launch(self) -> None:
        with _STARTING:
            self._start_jvm()

    def _start_jvm(self) -> None:
        self._shutdown_process()
        self._api = RuntimeApi()
        code_dir = str(self.function_version.config.code.get_unzipped_code_location())
        memory_mb = int(self.function_version.config.memory_size)
        runtime = str(self.function_version.config.runtime)
        command = [
            java_for(runtime, _setting("KILN_LAMBDA_JAVAS")),
            # the options the Java managed runtimes start with, scaled to the function's memory
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            f"-Xmx{max(64, memory_mb * 85 // 100)}m",
            f"-Djava.io.tmpdir={self._tmp_dir()}",
            *java_options(runtime),
            *os.environ.get("KILN_LAMBDA_JAVA_OPTIONS", "").split(),
            "-cp",
            _setting("KILN_LAMBDA_RUNTIME_CLASSPATH"),
            RIC_MAIN,
            self.function_version.config.handler,
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "en_US.UTF-8",
            **self._env,
            "LAMBDA_TASK_ROOT": code_dir,
            "AWS_LAMBDA_RUNTIME_API": self._api.address,
        }
        # the runtime client loads the handler from its working directory, as /var/task on Lambda
        self._process = subprocess.Popen(
            command,
            cwd=code_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        threading.Thread(
            target=self._pump_output, args=(self._process,), name=f"kiln-java-{self.id}", daemon=True
        ).start()
        startup_deadline = time.monotonic() + config.LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT
        while not self._api.ready.wait(0.05):
            if self._api.init_failed.is_set():
                error = self._api.init_error
                self._shutdown_process()
                raise StatusErrorException("the function failed to initialise", payload=error)
            if not self._alive():
                raise StatusErrorException(
                    "the runtime exited during init",
                    payload=_error_document(
                        "Runtime.ExitError",
                        f"Runtime exited during init: exit status {self._process.returncode}\n{self.get_logs()[-2000:]}",
                    ),
                )
            if time.monotonic() >= startup_deadline:
                self._shutdown_process()
                raise LambdaRuntimeException("the Java runtime did not ask for an invocation in time")

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _shutdown_process(self) -> None:
        process, api = self._process, self._api
        self._process = self._api = None
        if api is not None:
            api.close()
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _pump_output(self, process: subprocess.Popen) -> None:
        log_file = self._log_file()
        with open(log_file, "a", encoding="utf-8") if log_file else _NoFile() as sink:
            for raw in process.stdout:
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                with self._lock:
                    self._lines.append(line)
                    if self._invocation_lines is not None:
                        self._invocation_lines.append(line)
                sink.write(line + "\n")
                sink.flush()

    def _take_logs(self) -> str:
        time.sleep(0.05)  # let the pump catch the lines written just before the response
        with self._lock:
            lines, self._invocation_lines = self._invocation_lines or [], None
        return "\n".join(lines)

    def _failure(self, request_id: str, error_type: str, message: str) -> InvocationResult:
        LOG.warning("%s: %s", self.function_version.id.function_name, message)
        return InvocationResult(
            request_id, _error_document(error_type, message), is_error=True, logs=self._take_logs()
        )

    def _log_file(self) -> Path | None:
        directory = os.environ.get("KILN_LAMBDA_LOG_DIR")
        if not directory:
            return None
        Path(directory).mkdir(parents=True, exist_ok=True)
        return Path(directory) / f"{self.function_version.id.function_name}.log"

    def _tmp_dir(self) -> str:
        path = Path(config.dirs.tmp) / "kiln-java" / self.id
        path.mkdir(parents=True, exist_ok=True)
        return str(path)


def _error_document(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class _NoFile:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, _):
        pass

    def flush(self):
        pass
