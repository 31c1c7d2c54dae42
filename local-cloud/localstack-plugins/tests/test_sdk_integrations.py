"""Step Functions' SDK integrations as AWS answers: errors named as the Java SDK names them, timestamps as strings."""

import datetime
import json
import unittest

from kiln_local_cloud.sdk_integrations import java_sdk_name, json_timestamps


class SdkErrorNamesTest(unittest.TestCase):
    def test_a_fault_shape_is_named_with_exception_in_place_of_fault(self):
        self.assertEqual("AutoScaling.InstanceRefreshInProgressException",
                         java_sdk_name("AutoScaling", "InstanceRefreshInProgressFault"))
        self.assertEqual("AutoScaling.ResourceContentionException", java_sdk_name("AutoScaling", "ResourceContentionFault"))

    def test_other_shapes_get_exception_added_once(self):
        self.assertEqual("AutoScaling.InvalidNextTokenException", java_sdk_name("AutoScaling", "InvalidNextToken"))
        self.assertEqual("DynamoDb.ConditionalCheckFailedException", java_sdk_name("DynamoDb", "ConditionalCheckFailedException"))
        self.assertEqual("AutoScaling.IdempotentParameterMismatchErrorException",
                         java_sdk_name("AutoScaling", "IdempotentParameterMismatchError"))

    def test_an_error_the_service_does_not_model_is_the_services_own_exception(self):
        self.assertEqual("AutoScaling.AutoScalingException", java_sdk_name("AutoScaling", "ClientError"))


class SdkTimestampsTest(unittest.TestCase):
    def test_a_responses_timestamps_become_utc_strings_with_milliseconds(self):
        started = datetime.datetime(2026, 11, 22, 12, 0, 5, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
        response = {"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "StartTime": started, "PercentageComplete": 50}]}

        written = json_timestamps(response)

        self.assertEqual("2026-11-22T03:00:05.123Z", written["InstanceRefreshes"][0]["StartTime"])
        self.assertEqual(50, written["InstanceRefreshes"][0]["PercentageComplete"])
        self.assertEqual(written, json.loads(json.dumps(written)))

    def test_a_response_without_timestamps_is_unchanged(self):
        response = {"Tags": [{"Key": "kiln:role", "Value": "web"}], "NextToken": None}
        self.assertEqual(response, json_timestamps(response))


if __name__ == "__main__":
    unittest.main()
