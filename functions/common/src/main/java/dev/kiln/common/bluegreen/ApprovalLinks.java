package dev.kiln.common.bluegreen;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The links in an approval request: {@code <page>?id=<approval>&expires=<epoch seconds>&signature=<HMAC-SHA256>}.
 * Only Kiln, which holds the key, can make one; a link says nothing a stranger could use (the task token stays
 * in the releases table), stops working when its wait ends, and decides at most once (the approval's state).
 */
public final class ApprovalLinks {

    private final byte[] key;

    /** @param key the link key (Secrets Manager, made when Kiln is deployed) */
    public ApprovalLinks(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("an approval link key has at least 32 bytes, this one " + key.length);
        }
        this.key = key.clone();
    }

    /** The link to {@code page} for approval {@code id}, good until {@code expires}. */
    public String link(String page, String id, Instant expires) {
        return page + (page.contains("?") ? "&" : "?") + "id=" + encode(id) + "&expires=" + expires.getEpochSecond()
                + "&signature=" + signature(id, expires.getEpochSecond());
    }

    /** The signature of approval {@code id} until {@code expires} (epoch seconds), as 64 hex digits. */
    public String signature(String id, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("kiln-approval:v1:" + id + ":" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** Whether {@code signature} is this key's for {@code id} and {@code expires}, compared in constant time. */
    public boolean signed(String id, long expires, String signature) {
        if (id == null || signature == null) {
            return false;
        }
        return MessageDigest.isEqual(signature(id, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
