package dev.kiln.distributeregion;

import dev.kiln.common.Regional;
import dev.kiln.distributeregion.Ports.Keys;
import dev.kiln.distributeregion.errors.KeyNotFoundException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** {@link Keys} on KMS, in whichever region a call names. */
final class KmsKeys implements Keys {

    private final Regional<KmsClient> kms;

    KmsKeys(Regional<KmsClient> kms) {
        this.kms = kms;
    }

    @Override
    public String arn(String region, String alias) {
        KeyMetadata key;
        try {
            key = kms.in(region).describeKey(r -> r.keyId(alias)).keyMetadata();
        } catch (NotFoundException e) {
            throw new KeyNotFoundException(alias + " names no key in " + region + ": create it there, or fix"
                    + " distribution.kmsKeys." + region + " in kiln.json", e);
        }
        if (key.keyState() != KeyState.ENABLED) {
            throw new KeyNotFoundException(alias + " in " + region + " names " + key.arn() + ", which is "
                    + key.keyStateAsString() + ": a copy can only be encrypted with an enabled key");
        }
        return key.arn();
    }

    @Override
    public void grant(String region, String keyArn, String account, String name) {
        // what launching an instance from, or copying, an image encrypted with the key asks of it
        kms.in(region).createGrant(r -> r.keyId(keyArn).granteePrincipal("arn:aws:iam::" + account + ":root").name(name)
                .operations(GrantOperation.DECRYPT, GrantOperation.DESCRIBE_KEY, GrantOperation.CREATE_GRANT,
                        GrantOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT, GrantOperation.RE_ENCRYPT_FROM,
                        GrantOperation.RE_ENCRYPT_TO));
    }
}
