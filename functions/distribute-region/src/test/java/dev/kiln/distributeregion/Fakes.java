package dev.kiln.distributeregion;

import dev.kiln.distributeregion.Ports.CopyRequest;
import dev.kiln.distributeregion.Ports.Image;
import dev.kiln.distributeregion.errors.KeyNotFoundException;
import dev.kiln.distributeregion.errors.MemberUnreachableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** In-memory EC2, KMS and SSM of several regions: record what is asked, answer like the services. */
final class Fakes {

    private Fakes() {
    }

    static final class Images implements Ports.Images {

        /** region → image id → image */
        final Map<String, Map<String, Image>> images = new HashMap<>();
        final Map<String, String> copiesByToken = new HashMap<>();
        final List<CopyRequest> copies = new ArrayList<>();
        /** region/image → accounts and units with launch permission */
        final Map<String, Set<String>> launchPermissions = new HashMap<>();
        final Map<String, Set<String>> volumePermissions = new HashMap<>();
        final List<String> deregistered = new ArrayList<>();
        /** region/resource → tags Kiln set */
        final Map<String, Map<String, String>> tags = new HashMap<>();
        private int next = 1;

        Images image(String region, Image image) {
            images.computeIfAbsent(region, r -> new LinkedHashMap<>()).put(image.imageId(), image);
            return this;
        }

        Images state(String region, String imageId, String state, String reason) {
            Image image = images.get(region).get(imageId);
            return image(region, new Image(imageId, image.name(), image.description(), state, reason, image.tags(),
                    image.snapshotIds()));
        }

        @Override
        public Optional<Image> describe(String region, String imageId) {
            return Optional.ofNullable(images.getOrDefault(region, Map.of()).get(imageId));
        }

        @Override
        public String copy(String region, CopyRequest request) {
            return copiesByToken.computeIfAbsent(request.clientToken(), token -> {
                copies.add(request);
                String id = "ami-0c0c0c0c0c0c0c0%02d".formatted(next++).substring(0, 21);
                String snapshot = "snap-0c0c0c0c0c0c0c0" + (next - 1);
                image(region, new Image(id, request.name(), request.description(), "pending", null, Map.of(), List.of(snapshot)));
                tag(region, List.of(id, snapshot), request.tags());
                return id;
            });
        }

        @Override
        public void tag(String region, List<String> resourceIds, Map<String, String> tags) {
            resourceIds.forEach(id -> this.tags.computeIfAbsent(region + "/" + id, k -> new LinkedHashMap<>()).putAll(tags));
        }

        @Override
        public void deregister(String region, String imageId) {
            images.getOrDefault(region, new HashMap<>()).remove(imageId);
            deregistered.add(region + "/" + imageId);
        }

        @Override
        public void share(String region, String imageId, List<String> accounts, List<String> organizationalUnits) {
            Set<String> permissions = launchPermissions.computeIfAbsent(region + "/" + imageId, k -> new LinkedHashSet<>());
            permissions.addAll(accounts);
            permissions.addAll(organizationalUnits);
        }

        @Override
        public void shareSnapshots(String region, List<String> snapshotIds, List<String> accounts) {
            snapshotIds.forEach(snapshot -> volumePermissions.computeIfAbsent(region + "/" + snapshot, k -> new LinkedHashSet<>())
                    .addAll(accounts));
        }
    }

    static final class Keys implements Ports.Keys {

        /** region/alias → key ARN */
        final Map<String, String> aliases = new HashMap<>();
        /** grant name → key ARN and account */
        final Map<String, String> grants = new LinkedHashMap<>();

        Keys alias(String region, String alias, String arn) {
            aliases.put(region + "/" + alias, arn);
            return this;
        }

        @Override
        public String arn(String region, String alias) {
            String arn = aliases.get(region + "/" + alias);
            if (arn == null) {
                throw new KeyNotFoundException(alias + " names no key in " + region);
            }
            return arn;
        }

        @Override
        public void grant(String region, String keyArn, String account, String name) {
            grants.put(name, keyArn + " " + account);
        }
    }

    static final class Pointers implements Ports.Pointers {

        /** region + name → image id (the hub's own), member role ARN + " " + region + name → image id (a member's) */
        final Map<String, String> values = new LinkedHashMap<>();
        /** member roles the hub cannot assume */
        final Set<String> unreachable = new HashSet<>();

        @Override
        public void put(String region, RegionRequest.MemberRole member, String name, String imageId, String description) {
            if (member == null) {
                values.put(region + name, imageId);
            } else if (unreachable.contains(member.roleArn())) {
                throw new MemberUnreachableException("the hub cannot assume " + member.roleArn(), null);
            } else {
                values.put(member.roleArn() + " " + region + name, imageId);
            }
        }
    }
}
