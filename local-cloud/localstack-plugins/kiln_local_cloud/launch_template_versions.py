"""Makes CreateLaunchTemplateVersion build on its SourceVersion, as EC2 does.

EC2 (API reference, CreateLaunchTemplateVersion): "SourceVersion: the version of the launch template to use as
the base for the new version. ... The new version inherits the same launch parameters as the source version,
except for parameters that you specify in LaunchTemplateData." moto ignores SourceVersion, so a version made
"from the group's version, with a new image" had nothing but the image: no instance profile, no instance type,
and its instances never came online in Systems Manager. This hook gives the new version the source version's
parameters, each top-level one the request names replaced by the request's.
"""

import copy
import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


def based_on(source: dict, data: dict) -> dict:
    """The new version's data: the source version's, with each top-level parameter of the request in its place."""
    merged = copy.deepcopy(source or {})
    merged.update(copy.deepcopy(data or {}))
    return merged


@hooks.on_infra_start()
def build_versions_on_their_source():
    from moto.ec2.responses.launch_templates import LaunchTemplates

    create = LaunchTemplates.create_launch_template_version

    def create_on_source(self):
        source = self._get_param("SourceVersion")
        if source is None:
            return create(self)
        name, template_id = self._get_param("LaunchTemplateName"), self._get_param("LaunchTemplateId")
        template = (self.ec2_backend.get_launch_template(template_id) if template_id
                    else self.ec2_backend.get_launch_template_by_name(name))
        base = template.get_version(source).data  # EC2's error for a source version that does not exist
        make = template.create_version
        template.create_version = lambda data, description: make(based_on(base, data), description)
        try:
            return create(self)
        finally:
            del template.create_version

    LaunchTemplates.create_launch_template_version = create_on_source
    LOG.info("kiln: CreateLaunchTemplateVersion builds on its SourceVersion")
