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
# Same JVM settings as ./karchive: memory stays flat whatever the data size.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xmx384m", "-jar", "/opt/karchive/karchive.jar"]
CMD ["--help"]
