package io.github.umdosgi.pgp.internal.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.github.umdosgi.pgp.PgpException;
import io.github.umdosgi.impl.text.SafeText;

/**
 * The strict decoder of the parser's reply. It trusts nothing: sizes are checked against the
 * remaining bytes and the fixed maxima of {@link WireFormat}, unknown magic, versions and statuses
 * are refused, and the reply must end exactly where its last field does.
 */
public final class ReplyDecoder {

    private ReplyDecoder() {
    }

    /**
     * @param reply the reply bytes
     * @param expectSignature whether the request asked for a signature (exactly one is then required,
     *        none otherwise)
     * @return the decoded reply
     * @throws PgpException {@code PARSE_REFUSED} with the parser's escaped reason, or
     *         {@code MALFORMED_REPLY}
     */
    public static ParsedReply decode(byte[] reply, boolean expectSignature) throws PgpException {
        if (reply.length > WireFormat.MAX_REPLY) {
            throw BoundedReader.malformed("reply of " + reply.length + " bytes exceeds " + WireFormat.MAX_REPLY);
        }
        BoundedReader in = new BoundedReader(reply);
        if (!Arrays.equals(in.fixed(4, "magic"), WireFormat.REPLY_MAGIC)) {
            throw BoundedReader.malformed("bad magic");
        }
        int version = in.u8("version");
        if (version != WireFormat.VERSION) {
            throw BoundedReader.malformed("unknown version " + version);
        }
        int status = in.u8("status");
        if (status == WireFormat.STATUS_REFUSED) {
            byte[] reason = in.prefixed16(0, WireFormat.MAX_REASON, "reason");
            in.expectEnd();
            throw new PgpException(PgpException.Reason.PARSE_REFUSED, "the parser refused the input: "
                    + SafeText.quoted(new String(reason, StandardCharsets.UTF_8), 256));
        }
        if (status != WireFormat.STATUS_PARSED) {
            throw BoundedReader.malformed("unknown status " + status);
        }
        int keyCount = in.count(1, WireFormat.MAX_KEYS, "key count");
        List<ParsedReply.Key> keys = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) {
            keys.add(key(in, i));
        }
        int signatureCount = in.count(expectSignature ? 1 : 0, expectSignature ? 1 : 0, "signature count");
        Optional<ParsedReply.Signature> signature = signatureCount == 1
                ? Optional.of(signature(in)) : Optional.empty();
        in.expectEnd();
        return new ParsedReply(keys, signature);
    }

    private static ParsedReply.Key key(BoundedReader in, int index) throws PgpException {
        String name = "key " + index;
        int flags = in.u8(name + " flags");
        if ((flags & ~1) != 0) {
            throw BoundedReader.malformed(name + " has unknown flags " + flags);
        }
        byte[] body = in.prefixed16(1, WireFormat.MAX_KEY_BODY, name + " body");
        int userIdCount = in.count(0, WireFormat.MAX_USER_IDS, name + " user id count");
        List<byte[]> userIds = new ArrayList<>(userIdCount);
        for (int i = 0; i < userIdCount; i++) {
            userIds.add(in.prefixed16(0, WireFormat.MAX_USER_ID, name + " user id " + i));
        }
        return new ParsedReply.Key((flags & 1) != 0, body, userIds);
    }

    private static ParsedReply.Signature signature(BoundedReader in) throws PgpException {
        int version = in.u8("signature version");
        int type = in.u8("signature type");
        int publicKeyAlgorithm = in.u8("signature key algorithm");
        int hashAlgorithm = in.u8("signature hash algorithm");
        byte[] hashed = in.prefixed16(0, WireFormat.MAX_HASHED_AREA, "hashed subpackets");
        byte[] issuer = in.fixed(8, "issuer key id");
        byte[] left16 = in.fixed(2, "digest prefix");
        int valueCount = in.count(1, WireFormat.MAX_SIGNATURE_VALUES, "signature value count");
        List<byte[]> values = new ArrayList<>(valueCount);
        for (int i = 0; i < valueCount; i++) {
            values.add(in.prefixed16(1, WireFormat.MAX_SIGNATURE_VALUE, "signature value " + i));
        }
        return new ParsedReply.Signature(version, type, publicKeyAlgorithm, hashAlgorithm, hashed, issuer, left16,
                values);
    }
}
