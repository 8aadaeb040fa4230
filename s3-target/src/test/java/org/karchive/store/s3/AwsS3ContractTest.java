package org.karchive.store.s3;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.karchive.store.ObjectStore;
import org.karchive.store.StoreConfig;
import org.karchive.store.testing.ObjectStoreContract;
import org.karchive.store.testing.S3TestServer;

/** The contract on the AWS SDK store against S3Proxy over HTTP (compatibility/MD5 mode). */
class AwsS3ContractTest extends ObjectStoreContract {
    static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private StoreConfig config() {
        return server.storeConfig().withPartSize(partSize()).withRetryBaseDelay(java.time.Duration.ofMillis(5));
    }

    @Override
    protected ObjectStore openStore() throws Exception {
        return AwsS3ObjectStore.open(S3Location.parse(server.repoUrl("aws")), config(), Map.of(), null, List.of());
    }

    @Override
    protected ObjectStore openStoreWithDecorator(UnaryOperator<MultipartApi> decorator) throws Exception {
        return AwsS3ObjectStore.open(S3Location.parse(server.repoUrl("aws")), config(), Map.of(), decorator,
                List.of());
    }
}
