"""Lets EC2 find instance profiles that were created through IAM.

LocalStack keeps IAM instance profiles in its own store, but EC2 (moto) checks a RunInstances
IamInstanceProfile against moto's IAM backend, so every launch with an instance profile fails with
"Instance profile ... not found". On AWS that launch works; this hook makes moto's lookups fall
back to LocalStack's store, which is what restores it.
"""

import logging
from types import SimpleNamespace

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


@hooks.on_infra_start()
def bridge_instance_profiles():
    from localstack.services.iam.models import iam_stores
    from moto.iam.models import IAMBackend

    by_name, by_arn = IAMBackend.get_instance_profile, IAMBackend.get_instance_profile_by_arn

    def from_localstack(backend, matches):
        # instance profiles are per account; the store attribute is shared by all regions
        for entity in iam_stores[backend.account_id]["us-east-1"].INSTANCE_PROFILES.values():
            profile = entity.instance_profile
            if matches(profile):
                return SimpleNamespace(name=profile["InstanceProfileName"], arn=profile["Arn"],
                                       id=profile["InstanceProfileId"], roles=[])
        return None

    def get_instance_profile(self, profile_name):
        try:
            return by_name(self, profile_name)
        except Exception:
            found = from_localstack(self, lambda p: p["InstanceProfileName"] == profile_name)
            if found is None:
                raise
            return found

    def get_instance_profile_by_arn(self, profile_arn):
        try:
            return by_arn(self, profile_arn)
        except Exception:
            found = from_localstack(self, lambda p: p["Arn"] == profile_arn)
            if found is None:
                raise
            return found

    IAMBackend.get_instance_profile = get_instance_profile
    IAMBackend.get_instance_profile_by_arn = get_instance_profile_by_arn
    LOG.info("kiln: EC2 finds instance profiles created through IAM")
