# The Offload jar in a JRE image. Build the jar first: ./mvnw -q -DskipTests package
FROM eclipse-temurin:25-jre
WORKDIR /opt/offload
COPY standalone/target/offload.jar offload.jar
COPY deploy/offload.yaml /etc/offload/offload.yaml
ENV OFFLOAD_LOG_FORMAT=JSON
EXPOSE 8080 9090
ENTRYPOINT ["java", "-XX:+UseZGC", "-XX:MaxRAMPercentage=75", "-jar", "offload.jar"]
CMD ["gateway", "--config", "/etc/offload/offload.yaml"]
