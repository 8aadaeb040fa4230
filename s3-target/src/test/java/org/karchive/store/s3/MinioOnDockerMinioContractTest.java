package org.karchive.store.s3;

import java.util.function.UnaryOperator;
import org.karchive.store.ClientKind;
import org.karchive.store.ObjectStore;
import org.karchive.store.testing.ObjectStoreContract;

/** The contract on the Minio client against MinIO in Docker; every test skips, with the reason, without Docker. */
class MinioOnDockerMinioContractTest extends ObjectStoreContract {
    @Override
    protected ObjectStore openStore() throws Exception {
        return DockerMinioSupport.open(ClientKind.MINIO, null);
    }

    @Override
    protected ObjectStore openStoreWithDecorator(UnaryOperator<MultipartApi> decorator) throws Exception {
        return DockerMinioSupport.open(ClientKind.MINIO, decorator);
    }
}
