package org.karchive.store.s3;

import java.io.IOException;
import java.util.Optional;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * One DEBUG line per S3 request on logger {@code org.karchive.s3.requests} (shown with
 * --verbose): method, path, status or error, time. Never headers or query strings, so no
 * signature or credential can appear.
 */
final class RequestLog {
    static final Logger LOG = LoggerFactory.getLogger("org.karchive.s3.requests");
    private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("karchive.start");

    private RequestLog() {
    }

    /** For the AWS SDK client. */
    static final class Aws implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
            attrs.putAttribute(START, System.nanoTime());
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attrs) {
            if (LOG.isDebugEnabled()) {
                log(context.httpRequest(), Integer.toString(context.httpResponse().statusCode()), attrs);
            }
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attrs) {
            if (LOG.isDebugEnabled()) {
                Optional<SdkHttpRequest> req = context.httpRequest();
                String status = context.httpResponse().map(r -> Integer.toString(r.statusCode()))
                        .orElse(context.exception().getClass().getSimpleName());
                req.ifPresent(r -> log(r, status, attrs));
            }
        }

        private static void log(SdkHttpRequest r, String status, ExecutionAttributes attrs) {
            Long t0 = attrs.getAttribute(START);
            long ms = t0 == null ? -1 : (System.nanoTime() - t0) / 1_000_000;
            LOG.debug("{} {} -> {} in {} ms", r.method(), r.encodedPath(), status, ms);
        }
    }

    /** For the MinIO SDK's OkHttp client. */
    static final class Okhttp implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            long t0 = System.nanoTime();
            try {
                Response resp = chain.proceed(chain.request());
                LOG.debug("{} {} -> {} in {} ms", chain.request().method(), chain.request().url().encodedPath(),
                        resp.code(), (System.nanoTime() - t0) / 1_000_000);
                return resp;
            } catch (IOException e) {
                LOG.debug("{} {} -> {} in {} ms", chain.request().method(), chain.request().url().encodedPath(),
                        e.getClass().getSimpleName(), (System.nanoTime() - t0) / 1_000_000);
                throw e;
            }
        }
    }
}
