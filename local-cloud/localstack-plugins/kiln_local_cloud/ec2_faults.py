"""Faults of EC2 itself, for tests: answers AWS may give a bake's builder that the local cloud never would.

Named like the instance faults of instances.py (the tag local-cloud:fault, or a line
"<tag>=<value><TAB><faults>" of the file KILN_LOCAL_FAULTS names), and matched against the tags an
instance is launched with (RunInstances' TagSpecifications, and its launch template's id and version
as EC2 tags them) or carries (CreateImage):

- no-capacity: RunInstances is refused with InsufficientInstanceCapacity, as EC2 answers when a zone
  has no capacity of the type asked for ("There is no Spot capacity available that matches your
  request." for a Spot request).
- create-image-fails: CreateImage of the instance is refused with InternalError.
- image-never-available: the instance's image is made but stays pending, as an image whose snapshot
  never completes.

Not a fault but AWS's own answer, which moto does not give: RunInstances (and so an Auto Scaling group's
launch) of an image that does not exist, named or in the launch template, is refused with
InvalidAMIID.NotFound, unless another account shared it with the caller's (shared_images.py).
"""

import logging

from localstack.runtime import hooks

from kiln_local_cloud.instances import faults, instance_tags
from kiln_local_cloud.shared_images import shared_image

LOG = logging.getLogger(__name__)


def refused(code: str, message: str) -> Exception:
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def launch_tags(backend, kwargs: dict) -> dict[str, str]:
    """The tags RunInstances gives the instance: those asked for, and the launch template's version, as EC2
    tags an instance launched from a template (aws:ec2launchtemplate:id and :version)."""
    tags = dict(kwargs.get("tags", {}).get("instance", {}))
    if kwargs.get("launch_template"):
        version = backend._get_template_from_args(kwargs["launch_template"])
        tags.update({"aws:ec2launchtemplate:id": version.template.id, "aws:ec2launchtemplate:version": str(version.number)})
    return tags


def missing_image(backend, image_id: str | None, kwargs: dict) -> Exception | None:
    """RunInstances' answer when the image it would launch (named, or its launch template's) does not exist."""
    if not image_id and kwargs.get("launch_template"):
        image_id = backend._get_template_from_args(kwargs["launch_template"]).image_id
    if not image_id or image_id in backend.amis or shared_image(backend, image_id):
        return None
    from moto.ec2.exceptions import InvalidAMIIdError

    return InvalidAMIIdError(image_id)


def capacity_refusal(tags: dict[str, str], kwargs: dict) -> Exception | None:
    """RunInstances' answer for a launch with these tags and arguments, when the tags ask for no-capacity."""
    if "no-capacity" not in faults(tags):
        return None
    if kwargs.get("instance_market_options") == "spot":
        return refused("InsufficientInstanceCapacity", "There is no Spot capacity available that matches your request.")
    zone = kwargs.get("placement") or f"{kwargs.get('region_name', 'us-east-1')}a"
    return refused("InsufficientInstanceCapacity", f"We currently do not have sufficient {kwargs.get('instance_type')}"
                   f" capacity in the Availability Zone you requested ({zone}). Our system will be working on"
                   " provisioning additional capacity. You can currently get capacity by not specifying an"
                   " Availability Zone in your request or choosing a different Availability Zone.")


@hooks.on_infra_start()
def fail_ec2_on_demand():
    patch_moto()
    LOG.info("kiln: EC2 answers the faults no-capacity, create-image-fails and image-never-available, and refuses"
             " to launch an image that does not exist")


def patch_moto():
    from moto.ec2.models.amis import AmiBackend
    from moto.ec2.models.instances import InstanceBackend

    if getattr(InstanceBackend.run_instances, "kiln_faults", False):
        return  # patched once per process
    run_instances, create_image = InstanceBackend.run_instances, AmiBackend.create_image

    def run_instances_with_faults(self, image_id, count, user_data, security_group_names, **kwargs):
        refusal = missing_image(self, image_id, kwargs) or capacity_refusal(launch_tags(self, kwargs), kwargs)
        if refusal:
            raise refusal
        return run_instances(self, image_id, count, user_data, security_group_names, **kwargs)

    def create_image_with_faults(self, instance_id, *args, **kwargs):
        named = faults(instance_tags(self.get_instance(instance_id)))
        if "create-image-fails" in named:
            raise refused("InternalError", "An internal error has occurred (local cloud: fault create-image-fails)")
        image = create_image(self, instance_id, *args, **kwargs)
        if "image-never-available" in named:
            image.state = "pending"
        return image

    run_instances_with_faults.kiln_faults = True
    InstanceBackend.run_instances = run_instances_with_faults
    AmiBackend.create_image = create_image_with_faults
