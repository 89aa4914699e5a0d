package dev.parley.providers;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects at most {@code limit} bytes of an answer body, so a misconfigured or hostile endpoint cannot
 * fill the heap. A body cut short by the connection is not an exception here: it completes with
 * {@code complete=false}, because the status line already received still says what the provider did.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody.Body> {
    /** The bytes read; {@code complete} is false when the connection failed before the body ended. */
    record Body(byte[] bytes, boolean complete) {}

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int take = Math.min(buffer.remaining(), limit - bytes.size());
            byte[] chunk = new byte[take];
            buffer.get(chunk);
            bytes.write(chunk, 0, take);
        }
        if (bytes.size() >= limit) {
            subscription.cancel();
            result.complete(new Body(bytes.toByteArray(), true));
        }
    }

    @Override
    public void onError(Throwable error) {
        result.complete(new Body(bytes.toByteArray(), false));
    }

    @Override
    public void onComplete() {
        result.complete(new Body(bytes.toByteArray(), true));
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }
}
