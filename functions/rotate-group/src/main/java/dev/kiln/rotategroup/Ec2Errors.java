package dev.kiln.rotategroup;

import dev.kiln.rotategroup.errors.Ec2ThrottledException;
import dev.kiln.rotategroup.errors.LaunchTemplateNotFoundException;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** Turns the EC2 errors rotate's state machine tells apart into typed ones; any other error goes through as it is. */
final class Ec2Errors {

    private static final Set<String> TEMPLATE_GONE = Set.of("InvalidLaunchTemplateId.NotFound",
            "InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.VersionNotFound");

    private Ec2Errors() {
    }

    static RuntimeException translate(Ec2Exception e, String what) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (e.isThrottlingException() || "RequestLimitExceeded".equals(code)) {
            return new Ec2ThrottledException(what + ": EC2 is throttling requests (" + code + ")", e);
        }
        if (TEMPLATE_GONE.contains(code)) {
            return new LaunchTemplateNotFoundException(what + ": " + code + ": " + e.awsErrorDetails().errorMessage(), e);
        }
        return e;
    }
}
