"""Images shared with an account, usable there as EC2 lets it use them.

moto keeps each account's images apart: an image another account shared with this one (ModifyImageAttribute's
launch permission for it, or public) cannot be launched or described here, and the local cloud's RunInstances
refuses an image it cannot find (ec2_faults.py). AWS lets the account launch it, and DescribeImages with its id
answers it, so a member account's fleet runs the copy the hub shared with it in that region:

- RunInstances (and an Auto Scaling launch) of such an image goes on (ec2_faults.missing_image asks here).
- DescribeImages with ImageIds answers such an image beside the account's own.

Not done (docs/local-cloud.md): DescribeImages without ImageIds (by owner, ExecutableUsers or filters) lists only
the account's own images, and a shared image is described with its owner's tags (AWS shows another account none).
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


def shared_image(backend, image_id: str):
    """The image of another account, in the backend's region, that the backend's account may launch; else None."""
    from moto.ec2.models import ec2_backends

    for account in list(ec2_backends.keys()):
        regions = ec2_backends[account]
        if account == backend.account_id or backend.region_name not in dict.keys(regions):
            continue
        image = regions[backend.region_name].amis.get(image_id)
        if image and (image.is_public or {"UserId": backend.account_id} in image.launch_permissions):
            return image
    return None


@hooks.on_infra_start()
def let_accounts_use_images_shared_with_them():
    patch_moto()
    LOG.info("kiln: an image shared with an account can be launched and described (by its id) there")


def patch_moto():
    from moto.ec2.exceptions import InvalidAMIIdError
    from moto.ec2.models.amis import AmiBackend

    if getattr(AmiBackend.describe_images, "kiln_shared", False):
        return  # patched once per process
    describe_images = AmiBackend.describe_images

    def describe_images_shared_too(self, ami_ids=None, filters=None, exec_users=None, owners=None):
        shared = [image for image in (shared_image(self, ami_id) for ami_id in ami_ids or [] if ami_id not in self.amis)
                  if image]
        own = [ami_id for ami_id in ami_ids or [] if ami_id not in {image.id for image in shared}]
        if not shared:
            return describe_images(self, ami_ids, filters, exec_users, owners)
        if not own:
            return shared
        try:
            return describe_images(self, own, filters, exec_users, owners) + shared
        except InvalidAMIIdError:
            return shared

    describe_images_shared_too.kiln_shared = True
    AmiBackend.describe_images = describe_images_shared_too
