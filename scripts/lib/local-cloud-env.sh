# Sourced by scripts that talk to the local cloud: its endpoint, account, region and test credentials.

LOCAL_CLOUD_PORT="${LOCAL_CLOUD_PORT:-4566}"
LOCAL_CLOUD_ENDPOINT="http://127.0.0.1:$LOCAL_CLOUD_PORT"
LOCAL_CLOUD_ACCOUNT=000000000000
LOCAL_CLOUD_VENV="$KILN_CACHE/local-cloud/venv"

local_cloud_healthy() {
  curl -fsS --max-time 3 "$LOCAL_CLOUD_ENDPOINT/_localstack/health" >/dev/null 2>&1
}

# Credentials and endpoints for the SDKs and CLIs; nothing here can reach a real AWS account.
use_local_cloud_credentials() {
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  unset AWS_SESSION_TOKEN AWS_PROFILE
  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  # an IP address, not localhost.localstack.cloud (public DNS, unreachable offline); S3 goes path-style
  export AWS_ENDPOINT_URL="$LOCAL_CLOUD_ENDPOINT" AWS_ENDPOINT_URL_S3="$LOCAL_CLOUD_ENDPOINT"
  export CDK_DISABLE_CLI_TELEMETRY=true
  # the CLI's SDK warns about Node 20 on every call; the README recommends Node 22 or newer
  export NODE_NO_WARNINGS=1
}

# The AWS CLI that comes with LocalStack's venv, pointed at the local cloud.
local_aws() {
  "$LOCAL_CLOUD_VENV/bin/aws" --endpoint-url "$LOCAL_CLOUD_ENDPOINT" --output json "$@"
}
