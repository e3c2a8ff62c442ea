package io.github.umdosgi.pgp.handler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.MPInteger;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SignaturePacket;
import org.bouncycastle.util.BigIntegers;

/**
 * The parser: one request of the wire format in, one reply out. Untrusted input never escapes as an
 * exception: whatever breaks a rule or a bound becomes a refusal reply, so the process keeps serving.
 * Packets are framed by {@link Packets} first; Bouncy Castle then parses each key and signature
 * packet, and the raw bodies are what the reply carries (the JVM hashes the key body for the
 * fingerprint and the hashed area for the digest, so they must be the bytes of the file).
 */
public final class PgpParser {

    private static final byte[] REQUEST_MAGIC = {'U', 'P', 'G', 'Q'};
    private static final int OP_KEYS = 1;
    private static final int OP_KEYS_AND_SIGNATURE = 2;

    private static final int TAG_SIGNATURE = 2;
    private static final int TAG_SECRET_KEY = 5;
    private static final int TAG_PUBLIC_KEY = 6;
    private static final int TAG_SECRET_SUBKEY = 7;
    private static final int TAG_MARKER = 10;
    private static final int TAG_TRUST = 12;
    private static final int TAG_USER_ID = 13;
    private static final int TAG_PUBLIC_SUBKEY = 14;
    private static final int TAG_USER_ATTRIBUTE = 17;
    private static final int TAG_PADDING = 21;

    /**
     * @param request a request of the wire format
     * @return the reply: parsed material or a refusal
     */
    public byte[] parse(byte[] request) {
        try {
            ByteBuffer in = ByteBuffer.wrap(request);
            byte[] magic = new byte[4];
            if (in.remaining() < 6) {
                throw new Refusal("request too short");
            }
            in.get(magic);
            int version = in.get() & 0xff;
            int op = in.get() & 0xff;
            if (!Arrays.equals(magic, REQUEST_MAGIC) || version != 1) {
                throw new Refusal("not a request of version 1");
            }
            if (op != OP_KEYS && op != OP_KEYS_AND_SIGNATURE) {
                throw new Refusal("unknown operation " + op);
            }
            byte[] key = chunk(in, Limits.MAX_KEY_INPUT, "key");
            byte[] signature = op == OP_KEYS_AND_SIGNATURE ? chunk(in, Limits.MAX_SIGNATURE_INPUT, "signature") : null;
            if (in.hasRemaining()) {
                throw new Refusal("trailing bytes after the request");
            }
            List<ReplyWriter.Key> keys = keys(Inputs.packets(key));
            ReplyWriter.Signature sig = signature == null ? null : signature(Inputs.packets(signature));
            return ReplyWriter.parsed(keys, sig);
        } catch (Refusal e) {
            return ReplyWriter.refused(e.getMessage());
        }
    }

    private static byte[] chunk(ByteBuffer in, int max, String what) throws Refusal {
        if (in.remaining() < 4) {
            throw new Refusal("request truncated before the " + what);
        }
        long length = in.getInt() & 0xffffffffL;
        if (length > max || length > in.remaining()) {
            throw new Refusal(what + " of " + length + " bytes (at most " + max + ", " + in.remaining() + " sent)");
        }
        byte[] out = new byte[(int) length];
        in.get(out);
        return out;
    }

    private static List<ReplyWriter.Key> keys(List<Packets.Packet> packets) throws Refusal {
        if (packets.isEmpty()) {
            throw new Refusal("the key file holds no packet");
        }
        int first = packets.get(0).tag();
        if (first == TAG_SECRET_KEY || first == TAG_SECRET_SUBKEY) {
            throw new Refusal("the key file holds a secret key, not a public key");
        }
        if (first != TAG_PUBLIC_KEY) {
            throw new Refusal("the key file does not start with a public key packet (tag " + first + ")");
        }
        List<ReplyWriter.Key> keys = new ArrayList<>();
        List<byte[]> primaryUserIds = new ArrayList<>();
        boolean sawPrimary = false;
        for (Packets.Packet p : packets) {
            switch (p.tag()) {
                case TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY -> {
                    boolean primary = p.tag() == TAG_PUBLIC_KEY;
                    if (primary && sawPrimary) {
                        throw new Refusal("the key file holds more than one primary key");
                    }
                    sawPrimary |= primary;
                    PublicKeyPacket key = (PublicKeyPacket) parsePacket(p);
                    if (supported(key) && keys.size() < Limits.MAX_KEYS) {
                        keys.add(new ReplyWriter.Key(primary, p.body(), primary ? primaryUserIds : List.of()));
                    }
                }
                case TAG_USER_ID -> {
                    if (primaryUserIds.size() < Limits.MAX_USER_IDS) {
                        byte[] uid = p.body();
                        primaryUserIds.add(Arrays.copyOf(uid, Math.min(uid.length, Limits.MAX_USER_ID)));
                    }
                }
                case TAG_SIGNATURE, TAG_TRUST, TAG_USER_ATTRIBUTE, TAG_MARKER, TAG_PADDING -> {
                    // certifications and the like: counted by the packet budget, not reported
                }
                case TAG_SECRET_KEY, TAG_SECRET_SUBKEY -> throw new Refusal("the key file holds a secret key");
                default -> throw new Refusal("unexpected packet tag " + p.tag() + " in a key file");
            }
        }
        if (keys.isEmpty()) {
            throw new Refusal("the key file holds no v4 key of a supported algorithm (RSA, Ed25519)");
        }
        // The primary's user id list was filled after the key was added: copy it now.
        List<ReplyWriter.Key> out = new ArrayList<>();
        for (ReplyWriter.Key k : keys) {
            out.add(new ReplyWriter.Key(k.primary(), k.body(), List.copyOf(k.userIds())));
        }
        return out;
    }

    private static boolean supported(PublicKeyPacket key) {
        int a = key.getAlgorithm();
        return key.getVersion() == 4 && (a == 1 || a == 3 || a == 22 || a == 27);
    }

    private static ReplyWriter.Signature signature(List<Packets.Packet> packets) throws Refusal {
        Packets.Packet found = null;
        for (Packets.Packet p : packets) {
            if (p.tag() == TAG_MARKER || p.tag() == TAG_PADDING) {
                continue;
            }
            if (p.tag() != TAG_SIGNATURE) {
                throw new Refusal("unexpected packet tag " + p.tag() + " in a detached signature");
            }
            if (found != null) {
                throw new Refusal("more than one signature in the signature file");
            }
            found = p;
        }
        if (found == null) {
            throw new Refusal("the signature file holds no signature packet");
        }
        SignaturePacket sig = (SignaturePacket) parsePacket(found);
        if (sig.getVersion() != 4) {
            throw new Refusal("signature version " + sig.getVersion() + " (only v4 is supported)");
        }
        byte[] body = found.body();
        int hashedLength = ((body[4] & 0xff) << 8) | (body[5] & 0xff);
        byte[] hashed = Arrays.copyOfRange(body, 6, 6 + hashedLength); // BC parsed it, so it is in range
        List<byte[]> values = new ArrayList<>();
        MPInteger[] mpis = sig.getSignature();
        if (mpis != null) {
            for (MPInteger m : mpis) {
                values.add(BigIntegers.asUnsignedByteArray(m.getValue()));
            }
        } else if (sig.getSignatureBytes() != null) {
            values.add(sig.getSignatureBytes());
        }
        if (values.isEmpty() || values.size() > 2) {
            throw new Refusal("the signature has " + values.size() + " values");
        }
        return new ReplyWriter.Signature(4, sig.getSignatureType(), sig.getKeyAlgorithm(), sig.getHashAlgorithm(),
                hashed, sig.getKeyID(), sig.getFingerPrint(), values);
    }

    private static Packet parsePacket(Packets.Packet p) throws Refusal {
        try (BCPGInputStream in = new BCPGInputStream(new ByteArrayInputStream(p.bytes()))) {
            Packet packet = in.readPacket();
            if (packet == null) {
                throw new Refusal("packet tag " + p.tag() + " could not be read");
            }
            return packet;
        } catch (IOException | RuntimeException e) {
            throw new Refusal("malformed packet of tag " + p.tag() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
