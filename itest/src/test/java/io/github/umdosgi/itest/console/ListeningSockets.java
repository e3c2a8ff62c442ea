package io.github.umdosgi.itest.console;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses TCP sockets listen on for a port, read from the kernel's
 * tables ({@code /proc/net/tcp} and {@code tcp6}), so that what a server was
 * asked to bind and what it bound can be told apart. Stateless.
 */
final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /**
     * @param port a TCP port
     * @return the local addresses of the sockets in LISTEN state on it (IPv4-mapped IPv6 addresses as IPv4)
     */
    static List<InetAddress> on(int port) {
        List<InetAddress> found = new ArrayList<>();
        read(Path.of("/proc/net/tcp"), port, found);
        read(Path.of("/proc/net/tcp6"), port, found);
        return found;
    }

    private static void read(Path table, int port, List<InetAddress> found) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return; // no IPv6 on this host
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[3].equals(LISTEN)) {
                continue;
            }
            String[] local = f[1].split(":");
            if (Integer.parseInt(local[1], 16) == port) {
                found.add(address(local[0]));
            }
        }
    }

    /** The kernel prints each 32-bit word of the address in host byte order. */
    private static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int from = word * 8 + (little ? (3 - i) : i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(from, from + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes); // an IPv4-mapped IPv6 address comes back as IPv4
        } catch (UnknownHostException e) {
            throw new AssertionError("bad address " + hex, e);
        }
    }
}
