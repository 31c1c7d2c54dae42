"""Gives a function behind a Function URL the request body byte for byte, as AWS does.

AWS passes a body that is not text base64-encoded and unchanged. LocalStack rebuilds a form body
(application/x-www-form-urlencoded) from the fields it parsed (rolo's restore_payload), which
re-encodes it: "%20" becomes "+", so a signature over the body GitHub sent (its form deliveries)
no longer matches. This hook keeps the raw body of every form request before anything parses it,
and lets the Function URL router read that.
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"


def _keep_raw_form_body(chain, context, response):
    request = context.request
    if request.method == "POST" and request.mimetype == FORM:
        # cached, the raw bytes stay readable after the form is parsed from them
        request.get_data(cache=True, parse_form_data=False)


def _raw_payload(request) -> bytes:
    if request.shallow:
        return b""
    return request.get_data(cache=True, parse_form_data=False)


@hooks.on_infra_start()
def pass_function_url_bodies_byte_for_byte():
    from localstack.aws import handlers
    from localstack.services.lambda_ import urlrouter

    handlers.preprocess_request.append(_keep_raw_form_body)
    urlrouter.restore_payload = _raw_payload
    LOG.info("kiln: Function URLs pass request bodies byte for byte")
