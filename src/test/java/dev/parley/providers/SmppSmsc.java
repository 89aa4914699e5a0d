package dev.parley.providers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.EnquireLink;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;

/**
 * A real SMPP peer for tests: jSMPP's own server side listening on 127.0.0.1, accepting binds with one
 * password, recording every {@code submit_sm} and answering it as {@link #answer} says. It can hold
 * answers until the test releases them ({@link #hold}), and send {@code deliver_sm} to the bound client.
 */
final class SmppSmsc implements AutoCloseable {
    /** How the SMSC answers one submit_sm: a message id, or a ProcessRequestException carrying the error status. */
    @FunctionalInterface
    interface Answer {
        String to(SubmitSm submit) throws ProcessRequestException;
    }

    final int port;
    final List<SubmitSm> submits = new CopyOnWriteArrayList<>();
    final AtomicInteger bindAttempts = new AtomicInteger();
    final AtomicInteger enquireLinks = new AtomicInteger();
    volatile Answer answer;

    private final String password;
    private final SMPPServerSessionListener listener;
    private final List<SMPPServerSession> bound = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final Semaphore releases = new Semaphore(0);
    private volatile boolean holding;
    private volatile boolean closed;

    SmppSmsc(int port, String password) throws IOException {
        this.password = password;
        this.answer = submit -> "smsc-" + ids.incrementAndGet();
        ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.port = socket.getLocalPort();
        this.listener = new SMPPServerSessionListener(this.port, new ServerConnectionFactory() {
            @Override
            public ServerConnection listen(int p) {
                return new ServerSocketConnection(socket);
            }

            @Override
            public ServerConnection listen(int p, int timeout) throws IOException {
                socket.setSoTimeout(timeout);
                return new ServerSocketConnection(socket);
            }

            @Override
            public ServerConnection listen(int p, int timeout, int backlog) throws IOException {
                return listen(p, timeout);
            }
        });
        listener.setPduProcessorDegree(8);
        listener.setMessageReceiverListener(new Receiver());
        Thread.ofVirtual().name("smsc-accept").start(this::acceptLoop);
    }

    /** Holds every submit_sm answer until {@link #release} lets one go. */
    void hold() {
        holding = true;
    }

    void release(int answers) {
        releases.release(answers);
    }

    /** submit_sm received but not yet answered. */
    int outstanding() {
        return outstanding.get();
    }

    /** The most submit_sm ever outstanding at once. */
    int maxOutstanding() {
        return maxOutstanding.get();
    }

    boolean isBound() {
        return bound.stream().anyMatch(s -> s.getSessionState().isBound());
    }

    /** Sends a deliver_sm on the latest bind and returns once the client answered it (throws on a negative answer). */
    void deliver(int esmClass, String source, String destination, byte dataCoding, byte[] shortMessage,
                 OptionalParameter... tlvs) throws Exception {
        bound.getLast().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, source,
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(esmClass),
                (byte) 0, (byte) 0, new RegisteredDelivery(), new RawDataCoding(dataCoding), shortMessage, tlvs);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SMPPServerSession session = listener.accept();
                Thread.ofVirtual().start(() -> bind(session));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void bind(SMPPServerSession session) {
        try {
            BindRequest request = session.waitForBind(5_000);
            bindAttempts.incrementAndGet();
            if (password.equals(request.getPassword())) {
                request.accept("test-smsc");
                bound.add(session);
            } else {
                request.reject(SMPPConstant.STAT_ESME_RINVPASWD);
            }
        } catch (IOException | TimeoutException | RuntimeException | org.jsmpp.PDUStringException e) {
            session.close();
        }
    }

    /** Goes away: closes the listening socket and every connection without an unbind. */
    @Override
    public void close() throws IOException {
        closed = true;
        releases.release(10_000);
        listener.close();
        bound.forEach(SMPPServerSession::close);
    }

    private final class Receiver implements ServerMessageReceiverListener {
        @Override
        public void onAcceptEnquireLink(EnquireLink enquireLink, Session source) {
            enquireLinks.incrementAndGet();
        }

        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submit, SMPPServerSession source) throws ProcessRequestException {
            submits.add(submit);
            maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            try {
                if (holding && !closed) {
                    releases.acquireUninterruptibly();
                }
                return new SubmitSmResult(new MessageId(answer.to(submit)), new OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException(e.getMessage(), SMPPConstant.STAT_ESME_RSYSERR);
            } finally {
                outstanding.decrementAndGet();
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        private static ProcessRequestException unsupported() {
            return new ProcessRequestException("not supported by the test SMSC", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw unsupported();
        }
    }
}
