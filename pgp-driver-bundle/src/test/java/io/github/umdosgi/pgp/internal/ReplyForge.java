package io.github.umdosgi.pgp.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import io.github.umdosgi.pgp.internal.wire.ParsedReply;
import io.github.umdosgi.pgp.internal.wire.ReplyDecoder;

/** What a lying parser could send: replies re-encoded from decoded ones after a change. */
final class ReplyForge {

    private ReplyForge() {
    }

    static ParsedReply decode(byte[] reply) throws Exception {
        return ReplyDecoder.decode(reply, true);
    }

    static byte[] encode(List<ParsedReply.Key> keys, ParsedReply.Signature s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeBytes("UPGR");
            out.writeByte(1);
            out.writeByte(0);
            out.writeByte(keys.size());
            for (ParsedReply.Key k : keys) {
                out.writeByte(k.primary() ? 1 : 0);
                out.writeShort(k.body().length);
                out.write(k.body());
                out.writeByte(k.userIds().size());
                for (byte[] uid : k.userIds()) {
                    out.writeShort(uid.length);
                    out.write(uid);
                }
            }
            out.writeByte(1);
            out.writeByte(s.version());
            out.writeByte(s.type());
            out.writeByte(s.publicKeyAlgorithm());
            out.writeByte(s.hashAlgorithm());
            out.writeShort(s.hashedArea().length);
            out.write(s.hashedArea());
            out.write(s.issuerKeyId());
            out.write(s.left16());
            out.writeByte(s.values().size());
            for (byte[] v : s.values()) {
                out.writeShort(v.length);
                out.write(v);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ParsedReply.Signature withIssuer(ParsedReply.Signature s, byte[] issuer) {
        return new ParsedReply.Signature(s.version(), s.type(), s.publicKeyAlgorithm(), s.hashAlgorithm(),
                s.hashedArea(), issuer, s.left16(), s.values());
    }

    static ParsedReply.Signature withValues(ParsedReply.Signature s, byte[] left16, List<byte[]> values) {
        return new ParsedReply.Signature(s.version(), s.type(), s.publicKeyAlgorithm(), s.hashAlgorithm(),
                s.hashedArea(), s.issuerKeyId(), left16, values);
    }

    static ParsedReply.Signature withHashedArea(ParsedReply.Signature s, byte[] area) {
        return new ParsedReply.Signature(s.version(), s.type(), s.publicKeyAlgorithm(), s.hashAlgorithm(), area,
                s.issuerKeyId(), s.left16(), s.values());
    }
}
