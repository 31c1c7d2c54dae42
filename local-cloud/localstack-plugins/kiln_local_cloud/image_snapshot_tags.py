"""Lets CreateImage tag the image's snapshots as it makes them, as EC2 does.

EC2's CreateImage takes TagSpecifications for "image" and for "snapshot"; moto (LocalStack's EC2)
raises NotImplementedError for "snapshot". This hook makes the image as moto does with the image's
tags and puts the snapshot tags on the snapshot moto made for it.
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


@hooks.on_infra_start()
def tag_snapshots_on_create_image():
    from moto.ec2.models.amis import AmiBackend

    create_image = AmiBackend.create_image

    def create_image_tagging_snapshots(self, instance_id, name, description, tag_specifications):
        snapshot_tags = [tag for spec in tag_specifications or [] if spec.get("ResourceType") == "snapshot"
                         for tag in spec.get("Tags") or []]
        others = [spec for spec in tag_specifications or [] if spec.get("ResourceType") != "snapshot"]
        image = create_image(self, instance_id, name, description, tag_specifications=others)
        if snapshot_tags:
            self.create_tags([image.ebs_snapshot.id], {tag["Key"]: tag["Value"] for tag in snapshot_tags})
        return image

    AmiBackend.create_image = create_image_tagging_snapshots
    LOG.info("kiln: CreateImage tags the image's snapshots")
