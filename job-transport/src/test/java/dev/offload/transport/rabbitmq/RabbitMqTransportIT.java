package dev.offload.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.offload.model.JobEnvelope;
import dev.offload.testing.Ports;
import dev.offload.testing.RabbitMqFixture;
import dev.offload.transport.JobTransport;
import dev.offload.transport.JobTransportContract;
import dev.offload.transport.RabbitMqTransportConfig;
import dev.offload.transport.Transports;
import dev.offload.transport.UnroutableJobException;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transport contract on a real RabbitMQ ({@link RabbitMqFixture}), plus what only RabbitMQ has. */
class RabbitMqTransportIT extends JobTransportContract {
    private final String unique = UUID.randomUUID().toString().substring(0, 8);
    private final RabbitMqTransportConfig config = new RabbitMqTransportConfig(
            RabbitMqFixture.uri(),
            "it-" + unique,
            "it-" + unique + ".",
            Duration.ofSeconds(10),
            4,
            5,
            List.of(),
            List.of(QUEUE, "second"));

    @Override
    protected JobTransport createTransport(Vertx vertx) {
        return Transports.rabbitMq(vertx, config);
    }

    @Override
    protected JobTransport createUnreachableTransport(Vertx vertx, Duration publishTimeout) {
        return Transports.rabbitMq(
                vertx,
                new RabbitMqTransportConfig(
                        "amqp://guest:guest@127.0.0.1:" + Ports.closed(),
                        config.exchange(),
                        config.queuePrefix(),
                        publishTimeout,
                        1,
                        5,
                        List.of(),
                        config.queues()));
    }

    @Override
    protected String groupId() {
        return "ignored-by-rabbitmq";
    }

    @AfterEach
    void deleteTopology() throws Exception {
        try (Connection connection = rawConnection();
                Channel channel = connection.createChannel()) {
            for (String queue : List.of(QUEUE, "second", "other")) {
                channel.queueDelete(config.queueName(queue));
                channel.queueDelete(config.deadLetterQueueName(queue));
            }
            channel.exchangeDelete(config.exchange());
            channel.exchangeDelete(config.deadLetterExchange());
        }
    }

    @Test
    void startDeclaresQuorumQueuesWithDeadLetterQueues() throws Exception {
        try (Connection connection = rawConnection();
                Channel channel = connection.createChannel()) {
            for (String queue : config.queues()) {
                channel.queueDeclarePassive(config.queueName(queue));
                channel.queueDeclarePassive(config.deadLetterQueueName(queue));
            }
        }

        result(transport.start()); // declaring again is a no-op
    }

    @Test
    void messageCarriesTheEnvelopeHeadersAndIsPersistent() throws Exception {
        JobEnvelope sent = anEnvelope();

        result(transport.publisher().publish(sent));
        GetResponse message = getOne(config.queueName(QUEUE));

        assertThat(EnvelopeMessages.fromBody(message.getBody())).isEqualTo(sent);
        assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(message.getProps().getMessageId()).isEqualTo(sent.jobId());
        assertCarriesTheEnvelopeHeaders(headers(message), sent);
    }

    @Test
    void poisonMessageIsDeadLetteredAndConsumingGoesOn() throws Exception {
        try (Connection connection = rawConnection();
                Channel channel = connection.createChannel()) {
            channel.basicPublish(config.exchange(), QUEUE, null, "not an envelope".getBytes(StandardCharsets.UTF_8));
        }
        List<String> handled = new ArrayList<>();
        String good = publish(1).getFirst();

        start(consumer(4), envelope -> {
            synchronized (handled) {
                handled.add(envelope.jobId());
            }
            return CompletableFuture.completedFuture(null);
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            synchronized (handled) {
                return handled.contains(good);
            }
        });
        GetResponse dead = getOne(config.deadLetterQueueName(QUEUE));
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo("not an envelope");
    }

    @Test
    void messageFailingEveryTimeIsDeadLetteredAfterTheDeliveryLimit() throws Exception {
        String failing = publish(1).getFirst();

        start(consumer(4), envelope -> CompletableFuture.failedFuture(new IllegalStateException("always fails")));

        GetResponse dead = getOne(config.deadLetterQueueName(QUEUE));
        assertThat(EnvelopeMessages.fromBody(dead.getBody()).jobId()).isEqualTo(failing);
    }

    @Test
    void publishingToAQueueMissingOnTheBrokerFailsAsUnroutable() throws Exception {
        try (Connection connection = rawConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDelete(config.queueName("second"));
        }

        assertThatThrownBy(() -> result(transport.publisher().publish(anEnvelope("second"))))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(UnroutableJobException.class)
                .hasMessageContaining("routing key 'second'");
        result(transport.publisher().publish(anEnvelope())); // the channel is still usable
    }

    @Test
    void startFailsLoudlyWhenAQueueExistsWithOtherArguments() throws Exception {
        try (Connection connection = rawConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(config.queueName("other"), true, false, false, Map.of("x-queue-type", "classic"));
        }
        JobTransport misdeclared = Transports.rabbitMq(vertx, config.withQueues(List.of("other")));
        try {
            assertThatThrownBy(() -> result(misdeclared.start()))
                    .cause()
                    .isInstanceOf(Topology.MisdeclaredTopologyException.class)
                    .hasMessageContaining("queue '" + config.queueName("other") + "'")
                    .hasMessageContaining("delete");
        } finally {
            result(misdeclared.close());
        }
    }

    @Test
    void healthCheckSucceedsAgainstALiveBroker() throws Exception {
        result(transport.publisher().checkHealth());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    static Connection rawConnection() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RabbitMqFixture.uri());
        return factory.newConnection("it-admin");
    }

    private static GetResponse getOne(String queue) throws Exception {
        try (Connection connection = rawConnection();
                Channel channel = connection.createChannel()) {
            GetResponse[] got = new GetResponse[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> (got[0] = channel.basicGet(queue, true)) != null);
            return got[0];
        }
    }

    private static Map<String, String> headers(GetResponse message) {
        Map<String, String> headers = new HashMap<>();
        message.getProps().getHeaders().forEach((key, value) -> headers.put(key, String.valueOf(value)));
        return headers;
    }
}
