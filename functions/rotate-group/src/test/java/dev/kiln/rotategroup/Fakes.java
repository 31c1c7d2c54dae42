package dev.kiln.rotategroup;

import dev.kiln.rotategroup.errors.LaunchTemplateNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Fakes of rotate-group's ports that keep every request they are sent. */
final class Fakes {

    private Fakes() {
    }

    /** One DescribeLaunchTemplateVersions as the service asked it. */
    record Lookup(Ports.TemplateRef template, String version) {
    }

    /** One launch template with numbered versions, each with its image. */
    static final class Template implements Ports.LaunchTemplates {
        final String id;
        final String name;
        final TreeMap<Long, String> images = new TreeMap<>();
        long defaultVersion = 1;
        final List<Lookup> described = new ArrayList<>();
        final List<Ports.NewVersion> created = new ArrayList<>();

        Template(String id, String name) {
            this.id = id;
            this.name = name;
        }

        Template version(long number, String imageId) {
            images.put(number, imageId);
            return this;
        }

        @Override
        public Ports.TemplateVersion describe(Ports.TemplateRef template, String version) {
            described.add(new Lookup(template, version));
            boolean ours = template.id() != null ? template.id().equals(id) : template.name().equals(name);
            long number = switch (version) {
                case "$Latest" -> images.isEmpty() ? 0 : images.lastKey();
                case "$Default" -> defaultVersion;
                default -> Long.parseLong(version);
            };
            if (!ours || !images.containsKey(number)) {
                throw new LaunchTemplateNotFoundException("launch template " + template + " version " + version + " is gone");
            }
            return new Ports.TemplateVersion(id, number, images.get(number));
        }

        @Override
        public long create(Ports.NewVersion version) {
            created.add(version);
            long number = images.lastKey() + 1;
            images.put(number, version.imageId());
            return number;
        }
    }

    /** Instances by group, and which groups were asked for. */
    static final class Instances implements Ports.GroupInstances {
        final Map<String, List<Ports.RunningInstance>> byGroup = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public List<Ports.RunningInstance> of(String asg) {
            asked.add(asg);
            return byGroup.getOrDefault(asg, List.of());
        }
    }
}
