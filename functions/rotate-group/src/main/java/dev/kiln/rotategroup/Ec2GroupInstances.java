package dev.kiln.rotategroup;

import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Reservation;

/** {@link Ports.GroupInstances} through EC2's DescribeInstances, by the tag Auto Scaling puts on its instances. */
record Ec2GroupInstances(Ec2Client ec2) implements Ports.GroupInstances {

    @Override
    public List<Ports.RunningInstance> of(String asg) {
        try {
            return ec2.describeInstancesPaginator(r -> r.filters(
                            Filter.builder().name("tag:aws:autoscaling:groupName").values(asg).build(),
                            Filter.builder().name("instance-state-name").values("pending", "running").build()))
                    .reservations().stream()
                    .map(Reservation::instances).flatMap(List::stream)
                    .map(i -> new Ports.RunningInstance(i.instanceId(), i.imageId(), i.launchTime()))
                    .toList();
        } catch (Ec2Exception e) {
            throw Ec2Errors.translate(e, "the instances of " + asg);
        }
    }
}
