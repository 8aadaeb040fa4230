package org.karchive.store.s3;

import java.util.function.UnaryOperator;
import org.karchive.store.ClientKind;
import org.karchive.store.ObjectStore;
import org.karchive.store.testing.ObjectStoreContract;

/** The contract on the Aws client against MinIO in Docker; every test skips, with the reason, without Docker. */
class AwsOnDockerMinioContractTest extends ObjectStoreContract {
    @Override
    protected ObjectStore openStore() throws Exception {
        return DockerMinioSupport.open(ClientKind.AWS, null);
    }

    @Override
    protected ObjectStore openStoreWithDecorator(UnaryOperator<MultipartApi> decorator) throws Exception {
        return DockerMinioSupport.open(ClientKind.AWS, decorator);
    }
}
