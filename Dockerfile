# karchive container image: build the fat jar with Maven on a JDK 17, run it on a JRE 17.
#   docker build -t karchive:0.1.0 .
#   docker run --rm karchive:0.1.0 --version
# The entrypoint is karchive itself: arguments are a karchive command line.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY archive-format ./archive-format
COPY s3-target ./s3-target
COPY app ./app
# -DskipTests, not -Dmaven.test.skip: app needs archive-format's test-jar to resolve.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package \
    && cp app/target/karchive.jar /karchive.jar

FROM eclipse-temurin:17-jre
# JDK 17 decodes file names with the locale's charset; C.UTF-8 keeps non-ASCII names intact.
ENV LC_ALL=C.UTF-8
COPY --from=build /karchive.jar /opt/karchive/karchive.jar
# Root: reading every Kaapana volume (uids 70, 1000, 1021, 1023, 10001, modes 0700) and restoring
# owners both need it.
USER root
WORKDIR /
# OpenSSL's libcrypto: karchive hashes with it, so the JVM can run with the C1 compiler only.
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 && rm -rf /var/lib/apt/lists/*
# Class-data sharing, recorded by the same training run the launcher does on first use.
RUN java -XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1 -XX:ArchiveClassesAtExit=/opt/karchive/karchive.jsa \
    -cp /opt/karchive/karchive.jar org.karchive.app.CdsTraining
# Same JVM settings as ./karchive: memory stays flat whatever the data size.
# 384m (the launcher uses 256m unless a passphrase is given): a passphrase-protected repository
# needs 256 MiB of heap for one scrypt run.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dkarchive.c1=true", "-XX:SharedArchiveFile=/opt/karchive/karchive.jsa", "-Xlog:cds=off", "-jar", "/opt/karchive/karchive.jar"]
CMD ["--help"]
