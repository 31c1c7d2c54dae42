"""Lets EC2 find instance profiles that were created through IAM, and give them to every instance.

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


@hooks.on_infra_start()
def give_every_instance_its_profile():
    from moto.ec2.models.instances import InstanceBackend

    profiles_for_every_instance(InstanceBackend)
    LOG.info("kiln: every instance gets its instance profile, from the call or its launch template")


def profiles_for_every_instance(backend_class) -> None:
    run_instances = backend_class.run_instances

    def run_instances_with_profiles(self, *args, **kwargs):
        reservation = run_instances(self, *args, **kwargs)
        explicit = {"iam_instance_profile_arn": kwargs.get("iam_instance_profile_arn"),
                    "iam_instance_profile_name": kwargs.get("iam_instance_profile_name")}
        if any(explicit.values()):
            profile, instances = explicit, reservation.instances[1:]  # moto's response gives the first one
        elif kwargs.get("launch_template"):
            named = self._get_template_from_args(kwargs["launch_template"]).data.get("IamInstanceProfile") or {}
            profile = {"iam_instance_profile_arn": named.get("Arn"), "iam_instance_profile_name": named.get("Name")}
            instances = reservation.instances if any(profile.values()) else []
        else:
            instances = []
        for instance in instances:
            self.associate_iam_instance_profile(instance.id, **profile)
        return reservation

    backend_class.run_instances = run_instances_with_profiles
