package dev.kiln.rotategroup;

import java.time.Instant;
import java.util.List;

/** What rotate-group reads and writes in EC2; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** A launch template as a group names it: by its id, or by its name when the group gives only that. */
    record TemplateRef(String id, String name) {

        @Override
        public String toString() {
            return id != null ? id : name;
        }
    }

    /** One version of a launch template, resolved to its number; {@code imageId} null when it sets none. */
    record TemplateVersion(String launchTemplateId, long number, String imageId) {
    }

    /** A CreateLaunchTemplateVersion: {@code sourceVersion}'s data with only the image changed. */
    record NewVersion(String launchTemplateId, String sourceVersion, String description, String imageId) {
    }

    interface LaunchTemplates {

        /**
         * @param version a number, {@code $Latest} or {@code $Default}
         * @throws dev.kiln.rotategroup.errors.LaunchTemplateNotFoundException when the template or version is gone
         */
        TemplateVersion describe(TemplateRef template, String version);

        /** @return the number of the version created */
        long create(NewVersion version);
    }

    /** An instance of a group that is pending or running. */
    record RunningInstance(String instanceId, String imageId, Instant launchTime) {
    }

    interface GroupInstances {

        /** Every pending or running instance of the Auto Scaling group {@code asg}. */
        List<RunningInstance> of(String asg);
    }
}
