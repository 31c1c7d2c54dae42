"""Makes CopyImage keep what EC2 documents: the client token, the encryption and the key.

moto (LocalStack's EC2) copies an image from another region of the account, but ignores ClientToken (a
retried request makes a second image), TagSpecifications, Encrypted and KmsKeyId (the copy's snapshot is
unencrypted, and a key that does not exist is accepted), and answers a source image that does not exist with
a 500. EC2:

- the same ClientToken gives the same copy (idempotency, "Ensuring idempotency in Amazon EC2 API requests");
- TagSpecifications for "image" and "snapshot" tag the copy and its snapshots as they are made;
- Encrypted (or a KmsKeyId) encrypts the copy's snapshots with that key, or the account's default EBS key;
- a KmsKeyId EC2 cannot use in the destination region (no such key, or not enabled) is not refused at once:
  "the action can appear to complete, but eventually fails" (CopyImage's KmsKeyId): the copy's state becomes
  failed, with a reason;
- a source image that does not exist is InvalidAMIID.NotFound.

The copy is still available at once (as every image here is); it gets its source's disk (instances.py), so an
instance launched from it, in another region or in an account it is shared with, boots what the source's would.
"""

import logging

from localstack.runtime import hooks

from kiln_local_cloud.instances import copy_image_disk

LOG = logging.getLogger(__name__)


def _usable_key(account: str, region: str, key_id: str) -> str | None:
    """The ARN of the enabled key `key_id` (id, ARN, alias or alias ARN) names in the region, else None."""
    from localstack.services.kms.models import kms_stores

    store = kms_stores[account][region]
    if key_id.startswith("arn:"):
        key_id = key_id.split(":", 5)[5]
        if key_id.startswith("key/"):
            key_id = key_id[len("key/"):]
    if key_id.startswith("alias/"):
        alias = store.aliases.get(key_id)
        key_id = alias.metadata.get("TargetKeyId") if alias else None
    key = store.keys.get(key_id) if key_id else None
    return key.metadata["Arn"] if key and key.metadata.get("KeyState") == "Enabled" else None


@hooks.on_infra_start()
def copy_images_as_ec2_does():
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidAMIIdError
    from moto.ec2.models import ec2_backends
    from moto.ec2.responses.amis import AmisResponse

    copies_by_token: dict[tuple[str, str, str], str] = {}

    def copy_image(self) -> ActionResult:
        self.error_on_dryrun()
        backend = self.ec2_backend
        account, region = backend.account_id, backend.region_name
        token = self._get_param("ClientToken")
        known = copies_by_token.get((account, region, token)) if token else None
        if known and known in backend.amis:
            return ActionResult({"ImageId": known})
        source_id, source_region = self._get_param("SourceImageId"), self._get_param("SourceRegion")
        if source_id not in ec2_backends[account][source_region].amis:
            raise InvalidAMIIdError(source_id)
        image = backend.copy_image(source_id, source_region, self._get_param("Name"), self._get_param("Description"))
        for spec in self._get_param("TagSpecifications", []) or []:
            resource = {"image": image.id, "snapshot": image.ebs_snapshot.id}.get(spec.get("ResourceType"))
            if resource:
                backend.create_tags([resource], {tag["Key"]: tag.get("Value", "") for tag in spec.get("Tags") or []})
        key_id = self._get_param("KmsKeyId")
        if key_id or str(self._get_param("Encrypted")).lower() == "true":
            key_arn = _usable_key(account, region, key_id) if key_id else f"arn:aws:kms:{region}:{account}:alias/aws/ebs"
            image.ebs_snapshot.encrypted = True
            image.ebs_snapshot.kms_key_id = key_arn or key_id
            if key_arn is None:
                image.state = "failed"
                image.state_reason = {"Code": "Client.InvalidKMSKey.InvalidState",
                                      "Message": f"The KMS key {key_id} is not usable in {region}"}
        if image.state != "failed":
            copy_image_disk(source_id, image.id)
        if token:
            copies_by_token[(account, region, token)] = image.id
        return ActionResult({"ImageId": image.id})

    AmisResponse.copy_image = copy_image
    LOG.info("kiln: CopyImage keeps its client token, encrypts with its key and fails a copy whose key is unusable")
