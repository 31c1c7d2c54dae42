package dev.kiln.distributeregion;

import dev.kiln.distributeregion.Ports.Pointers;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** {@link Pointers} as SSM parameters of data type {@code aws:ec2:image}, like the hub's own. */
final class SsmPointers implements Pointers {

    private final Regional<SsmClient> ssm;

    SsmPointers(Regional<SsmClient> ssm) {
        this.ssm = ssm;
    }

    @Override
    public void put(String region, String name, String imageId, String description) {
        ssm.in(region).putParameter(r -> r.name(name).value(imageId).type(ParameterType.STRING).dataType("aws:ec2:image")
                .overwrite(true).description(description));
    }
}
