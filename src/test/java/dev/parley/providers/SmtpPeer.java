package dev.parley.providers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real SMTP server on a free port for the failures GreenMail will not produce: it refuses
 * recipients whose address starts with {@code bad} (550) or {@code busy} (451), counts connections, and
 * after the end-of-data dot does what {@link #afterData} says. Every complete message is kept.
 */
final class SmtpPeer implements AutoCloseable {
    enum AfterData {
        /** 250 queued. */
        ACCEPT,
        /** 250 queued, then the server closes the connection (as an idle timeout would). */
        ACCEPT_AND_HANG_UP,
        /** Close the connection without a reply. */
        DROP,
        /** Never reply. */
        SILENT
    }

    volatile AfterData afterData = AfterData.ACCEPT;
    /** Close the connection when MAIL FROM arrives, before any data. */
    volatile boolean dropOnMail;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> messages = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    SmtpPeer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    open.add(socket);
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 peer.test ESMTP");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    reply(out, "250-peer.test\r\n250 8BITMIME");
                } else if (command.startsWith("HELO") || command.startsWith("RSET") || command.startsWith("NOOP")) {
                    reply(out, "250 OK");
                } else if (command.startsWith("MAIL")) {
                    if (dropOnMail) {
                        return;
                    }
                    reply(out, "250 OK");
                } else if (command.startsWith("RCPT")) {
                    String address = line.substring(line.indexOf('<') + 1).toLowerCase(Locale.ROOT);
                    reply(out, address.startsWith("bad") ? "550 5.1.1 <" + address + " Recipient address rejected: User unknown"
                            : address.startsWith("busy") ? "451 4.3.0 mailbox busy, try later" : "250 OK");
                } else if (command.startsWith("DATA")) {
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    StringBuilder message = new StringBuilder();
                    for (String data = in.readLine(); data != null && !data.equals("."); data = in.readLine()) {
                        message.append(data).append("\r\n");
                    }
                    switch (afterData) {
                        case DROP -> {
                            return;
                        }
                        case SILENT -> {
                            while (in.readLine() != null) {
                                // say nothing until the client gives up
                            }
                            return;
                        }
                        default -> {
                            messages.add(message.toString());
                            reply(out, "250 2.0.0 Ok: queued as Q" + messages.size());
                            if (afterData == AfterData.ACCEPT_AND_HANG_UP) {
                                return;
                            }
                        }
                    }
                } else if (command.startsWith("QUIT")) {
                    reply(out, "221 Bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 command not recognised");
                }
            }
        } catch (IOException e) {
            // the client went away: this connection is over
        } finally {
            open.remove(socket);
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }
}
