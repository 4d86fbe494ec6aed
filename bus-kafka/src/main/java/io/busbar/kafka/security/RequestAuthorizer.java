package io.busbar.kafka.security;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The one authorization step of the Kafka listener: before a request reaches its handler, the dispatcher asks
 * {@link #check} which resources the request touches and whether the connection's principal may do the needed
 * operation on each (Kafka's per-API rules, e.g. Produce needs WRITE on every topic, JoinGroup READ on the group).
 * A denied request is answered with kafka-clients' own error response for that API
 * ({@code AbstractRequest.getErrorResponse}) carrying TOPIC_/GROUP_/CLUSTER_/TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
 * and the handler never runs. Metadata, DescribeTopicPartitions and ListGroups are filtered instead: resources the principal may not
 * DESCRIBE are left out (Kafka does the same). APIs without a rule here need ALTER on the cluster.
 *
 * <p>Produce and Fetch are answered per topic, as Kafka does: allowed topics are served, denied ones get
 * TOPIC_AUTHORIZATION_FAILED in the same response. Differences from Kafka: other multi-resource requests are denied as
 * a whole when any of their resources is denied (Kafka answers those per resource too). Thread-safe.
 */
public final class RequestAuthorizer {

    /**
     * What {@link #check} decided. {@code partialErrors}: the request went on without the topics it may not use
     * (Produce, Fetch); this is the error answer for those, merged into the handler's response.
     */
    public record Decision(ApiMessage errorResponse, List<String> deniedTopics, ApiMessage partialErrors) {
        static final Decision ALLOW = new Decision(null, List.of(), null);

        Decision(ApiMessage errorResponse, List<String> deniedTopics) {
            this(errorResponse, deniedTopics, null);
        }

        public boolean denied() {
            return errorResponse != null;
        }
    }

    private record Need(ResourceType type, String name, AclOperation op) { }

    private static final String CLUSTER = "kafka-cluster";

    private final AclAuthorizer acls;
    private final boolean enforced;
    private final Function<Uuid, String> topicNames;

    /**
     * @param enforced   false: every request is allowed (no authentication configured, or busbar.kafka.authorizer=none)
     * @param topicNames topic id to name (Fetch v13+ names topics by id); null when unknown
     */
    public RequestAuthorizer(AclAuthorizer acls, boolean enforced, Function<Uuid, String> topicNames) {
        this.acls = acls;
        this.enforced = enforced;
        this.topicNames = topicNames;
    }

    public boolean enforced() {
        return enforced;
    }

    public Decision check(Session session, ApiKeys key, short version, ApiMessage body) {
        if (!enforced || body == null || acls.isSuperUser(session.principal())) {
            return Decision.ALLOW;
        }
        if (key == ApiKeys.METADATA) {
            return metadata(session, (MetadataRequestData) body);
        }
        if (key == ApiKeys.DESCRIBE_TOPIC_PARTITIONS) {
            // like Metadata: filtered in filterResponse; the explicitly named topics it may not see get an error
            return new Decision(null, ((DescribeTopicPartitionsRequestData) body).topics().stream()
                    .map(DescribeTopicPartitionsRequestData.TopicRequest::name)
                    .filter(t -> !may(session, AclOperation.DESCRIBE, ResourceType.TOPIC, t)).toList());
        }
        if (key == ApiKeys.INIT_PRODUCER_ID && ((InitProducerIdRequestData) body).transactionalId() == null) {
            boolean ok = acls.authorize(session.principal(), session.clientHost(), AclOperation.IDEMPOTENT_WRITE,
                    ResourceType.CLUSTER, CLUSTER)
                    || acls.authorizeAny(session.principal(), session.clientHost(), AclOperation.WRITE, ResourceType.TOPIC);
            return ok ? Decision.ALLOW : deny(key, version, body, new ClusterAuthorizationException(
                    "Idempotent producing needs IDEMPOTENT_WRITE on the cluster or WRITE on a topic"), List.of());
        }
        if (key == ApiKeys.CREATE_TOPICS && may(session, AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER)) {
            return Decision.ALLOW;
        }
        List<Need> needs = needs(key, version, body);
        if (needs == null) {
            return Decision.ALLOW; // ApiVersions, SASL, and requests whose rule allows everyone
        }
        Set<String> deniedTopics = new LinkedHashSet<>();
        for (Need n : needs) {
            if (acls.authorize(session.principal(), session.clientHost(), n.op, n.type, n.name)) {
                continue;
            }
            switch (n.type) {
                case TOPIC -> deniedTopics.add(n.name);
                case GROUP -> {
                    return deny(key, version, body, new GroupAuthorizationException("Not authorized to " + n.op
                            + " group " + n.name, n.name), List.of());
                }
                case TRANSACTIONAL_ID -> {
                    return deny(key, version, body, new TransactionalIdAuthorizationException("Not authorized to "
                            + n.op + " transactional id " + n.name), List.of());
                }
                default -> {
                    return deny(key, version, body, new ClusterAuthorizationException("Not authorized to " + n.op
                            + " the cluster (" + key.name + ")"), List.of());
                }
            }
        }
        if (!deniedTopics.isEmpty()) {
            Decision partial = withoutDeniedTopics(key, version, body, deniedTopics);
            return partial != null ? partial
                    : deny(key, version, body, new TopicAuthorizationException(deniedTopics), List.copyOf(deniedTopics));
        }
        return Decision.ALLOW;
    }

    /**
     * Kafka answers Produce and Fetch per topic: the topics the principal may use are served, the others get
     * TOPIC_AUTHORIZATION_FAILED. The request is cut in two: the handler serves the allowed part, and the denied part's
     * error answer (kafka-clients' own, as for a whole denial) is merged into the response. Null when nothing is
     * allowed (the whole request is denied) or the API is not one of these.
     */
    private Decision withoutDeniedTopics(ApiKeys key, short version, ApiMessage body, Set<String> denied) {
        if (key == ApiKeys.PRODUCE) {
            ProduceRequestData request = (ProduceRequestData) body;
            if (request.topicData().stream().allMatch(t -> denied.contains(t.name()))) {
                return null;
            }
            ProduceRequestData deniedPart = request.duplicate();
            deniedPart.topicData().removeIf(t -> !denied.contains(t.name()));
            request.topicData().removeIf(t -> denied.contains(t.name()));
            ApiMessage errors = request.acks() == 0 ? null : deny(key, version, deniedPart,
                    new TopicAuthorizationException(denied), List.of()).errorResponse();
            return new Decision(null, List.copyOf(denied), errors);
        }
        if (key == ApiKeys.FETCH) {
            FetchRequestData request = (FetchRequestData) body;
            java.util.function.Function<FetchRequestData.FetchTopic, String> name =
                    t -> version >= 13 ? nameOf(t.topicId()) : t.topic();
            if (request.topics().stream().allMatch(t -> denied.contains(name.apply(t)))) {
                return null;
            }
            FetchRequestData deniedPart = request.duplicate();
            deniedPart.topics().removeIf(t -> !denied.contains(name.apply(t)));
            request.topics().removeIf(t -> denied.contains(name.apply(t)));
            return new Decision(null, List.copyOf(denied), deny(key, version, deniedPart,
                    new TopicAuthorizationException(denied), List.of()).errorResponse());
        }
        return null;
    }

    /** Leaves out what the principal may not see (Metadata topics, ListGroups groups) and adds the denied ones. */
    public ApiMessage filterResponse(Session session, ApiKeys key, ApiMessage response, Decision decision) {
        if (!enforced || response == null || acls.isSuperUser(session.principal())) {
            return response;
        }
        if (decision.partialErrors() instanceof ProduceResponseData denied && response instanceof ProduceResponseData r) {
            denied.responses().forEach(t -> r.responses().add(t.duplicate()));
        } else if (decision.partialErrors() instanceof FetchResponseData denied && response instanceof FetchResponseData r) {
            r.responses().addAll(denied.responses());
        }
        if (response instanceof MetadataResponseData m) {
            m.topics().removeIf(t -> t.name() != null && !may(session, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()));
            for (String denied : decision.deniedTopics()) {
                m.topics().add(new MetadataResponseData.MetadataResponseTopic().setName(denied)
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
        } else if (response instanceof DescribeTopicPartitionsResponseData d) {
            d.topics().removeIf(t -> t.name() != null && !may(session, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()));
            for (String denied : decision.deniedTopics()) {
                d.topics().add(new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic()
                        .setName(denied).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
        } else if (response instanceof ListGroupsResponseData g
                && !may(session, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER)) {
            g.groups().removeIf(x -> !may(session, AclOperation.DESCRIBE, ResourceType.GROUP, x.groupId()));
        }
        return response;
    }

    private boolean may(Session s, AclOperation op, ResourceType type, String name) {
        return acls.authorize(s.principal(), s.clientHost(), op, type, name);
    }

    private Decision metadata(Session session, MetadataRequestData request) {
        List<String> denied = new ArrayList<>();
        if (request.topics() != null && !request.topics().isEmpty()) {
            request.topics().removeIf(t -> {
                if (t.name() != null && !may(session, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name())) {
                    denied.add(t.name());
                    return true;
                }
                return false;
            });
            boolean mayCreate = may(session, AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER)
                    || request.topics().stream().allMatch(t -> t.name() != null
                    && may(session, AclOperation.CREATE, ResourceType.TOPIC, t.name()));
            if (!mayCreate) {
                request.setAllowAutoTopicCreation(false);
            }
            if (request.topics().isEmpty() && !denied.isEmpty()) {
                request.setTopics(new ArrayList<>()); // none left to look up (v1+: empty = no topics)
            }
        }
        return new Decision(null, denied);
    }

    private static Decision deny(ApiKeys key, short version, ApiMessage body, RuntimeException error, List<String> topics) {
        if (key == ApiKeys.PRODUCE && ((ProduceRequestData) body).acks() == 0) {
            return new Decision(new NoResponse(), topics);
        }
        AbstractRequest request = AbstractRequest.parseRequest(key, version, MessageUtil.toByteBuffer(body, version)).request;
        return new Decision(request.getErrorResponse(0, error).data(), topics);
    }

    /** Marker: the denied request gets no response (Produce with acks=0); the dispatcher closes the connection. */
    public static final class NoResponse extends org.apache.kafka.common.message.ApiVersionsResponseData {
    }

    private List<Need> needs(ApiKeys key, short version, ApiMessage body) {
        List<Need> n = new ArrayList<>();
        switch (key) {
            case API_VERSIONS, SASL_HANDSHAKE, SASL_AUTHENTICATE -> {
                return null;
            }
            case PRODUCE -> {
                ProduceRequestData r = (ProduceRequestData) body;
                txn(n, r.transactionalId(), AclOperation.WRITE);
                r.topicData().forEach(t -> topic(n, t.name(), AclOperation.WRITE));
            }
            case FETCH -> ((FetchRequestData) body).topics().forEach(t -> topic(n,
                    version >= 13 ? nameOf(t.topicId()) : t.topic(), AclOperation.READ));
            case LIST_OFFSETS -> ((ListOffsetsRequestData) body).topics().forEach(t -> topic(n, t.name(), AclOperation.DESCRIBE));
            case OFFSET_COMMIT -> {
                OffsetCommitRequestData r = (OffsetCommitRequestData) body;
                group(n, r.groupId(), AclOperation.READ);
                r.topics().forEach(t -> topic(n, t.name(), AclOperation.READ));
            }
            case OFFSET_FETCH -> {
                OffsetFetchRequestData r = (OffsetFetchRequestData) body;
                if (r.groups() != null && !r.groups().isEmpty()) {
                    r.groups().forEach(g -> {
                        group(n, g.groupId(), AclOperation.DESCRIBE);
                        if (g.topics() != null) {
                            g.topics().forEach(t -> topic(n, t.name(), AclOperation.DESCRIBE));
                        }
                    });
                } else {
                    group(n, r.groupId(), AclOperation.DESCRIBE);
                    if (r.topics() != null) {
                        r.topics().forEach(t -> topic(n, t.name(), AclOperation.DESCRIBE));
                    }
                }
            }
            case FIND_COORDINATOR -> {
                FindCoordinatorRequestData r = (FindCoordinatorRequestData) body;
                List<String> keys = version >= 4 ? r.coordinatorKeys() : List.of(r.key());
                for (String k : keys) {
                    if (r.keyType() == 1) {
                        txn(n, k, AclOperation.DESCRIBE);
                    } else {
                        group(n, k, AclOperation.DESCRIBE);
                    }
                }
            }
            case JOIN_GROUP -> group(n, ((JoinGroupRequestData) body).groupId(), AclOperation.READ);
            case SYNC_GROUP -> group(n, ((SyncGroupRequestData) body).groupId(), AclOperation.READ);
            case HEARTBEAT -> group(n, ((HeartbeatRequestData) body).groupId(), AclOperation.READ);
            case LEAVE_GROUP -> group(n, ((LeaveGroupRequestData) body).groupId(), AclOperation.READ);
            case DESCRIBE_GROUPS -> ((DescribeGroupsRequestData) body).groups().forEach(g -> group(n, g, AclOperation.DESCRIBE));
            case LIST_GROUPS -> {
                return null; // filtered in filterResponse
            }
            case DELETE_GROUPS -> ((DeleteGroupsRequestData) body).groupsNames().forEach(g -> group(n, g, AclOperation.DELETE));
            case OFFSET_DELETE -> {
                OffsetDeleteRequestData r = (OffsetDeleteRequestData) body;
                group(n, r.groupId(), AclOperation.DELETE);
                r.topics().forEach(t -> topic(n, t.name(), AclOperation.READ));
            }
            case CREATE_TOPICS -> {
                // CREATE on the cluster covers every topic (checked in check()); else CREATE on each topic
                ((CreateTopicsRequestData) body).topics().forEach(t -> topic(n, t.name(), AclOperation.CREATE));
            }
            case DELETE_TOPICS -> {
                DeleteTopicsRequestData r = (DeleteTopicsRequestData) body;
                if (version >= 6) {
                    r.topics().forEach(t -> topic(n, t.name() != null ? t.name() : nameOf(t.topicId()), AclOperation.DELETE));
                } else {
                    r.topicNames().forEach(t -> topic(n, t, AclOperation.DELETE));
                }
            }
            case DELETE_RECORDS -> ((DeleteRecordsRequestData) body).topics().forEach(t -> topic(n, t.name(), AclOperation.DELETE));
            case CREATE_PARTITIONS -> ((CreatePartitionsRequestData) body).topics().forEach(t -> topic(n, t.name(), AclOperation.ALTER));
            case DESCRIBE_CONFIGS -> ((DescribeConfigsRequestData) body).resources().forEach(r ->
                    config(n, r.resourceType(), r.resourceName(), AclOperation.DESCRIBE_CONFIGS));
            case ALTER_CONFIGS -> ((AlterConfigsRequestData) body).resources().forEach(r ->
                    config(n, r.resourceType(), r.resourceName(), AclOperation.ALTER_CONFIGS));
            case INCREMENTAL_ALTER_CONFIGS -> ((IncrementalAlterConfigsRequestData) body).resources().forEach(r ->
                    config(n, r.resourceType(), r.resourceName(), AclOperation.ALTER_CONFIGS));
            case INIT_PRODUCER_ID -> txn(n, ((InitProducerIdRequestData) body).transactionalId(), AclOperation.WRITE);
            case ADD_PARTITIONS_TO_TXN -> {
                AddPartitionsToTxnRequestData r = (AddPartitionsToTxnRequestData) body;
                if (version <= 3) {
                    txn(n, r.v3AndBelowTransactionalId(), AclOperation.WRITE);
                    r.v3AndBelowTopics().forEach(t -> topic(n, t.name(), AclOperation.WRITE));
                } else {
                    r.transactions().forEach(tx -> {
                        txn(n, tx.transactionalId(), AclOperation.WRITE);
                        tx.topics().forEach(t -> topic(n, t.name(), AclOperation.WRITE));
                    });
                }
            }
            case ADD_OFFSETS_TO_TXN -> {
                AddOffsetsToTxnRequestData r = (AddOffsetsToTxnRequestData) body;
                txn(n, r.transactionalId(), AclOperation.WRITE);
                group(n, r.groupId(), AclOperation.READ);
            }
            case END_TXN -> txn(n, ((EndTxnRequestData) body).transactionalId(), AclOperation.WRITE);
            case TXN_OFFSET_COMMIT -> {
                TxnOffsetCommitRequestData r = (TxnOffsetCommitRequestData) body;
                txn(n, r.transactionalId(), AclOperation.WRITE);
                group(n, r.groupId(), AclOperation.READ);
                r.topics().forEach(t -> topic(n, t.name(), AclOperation.READ));
            }
            case DESCRIBE_PRODUCERS -> ((DescribeProducersRequestData) body).topics().forEach(t -> topic(n, t.name(), AclOperation.READ));
            case DESCRIBE_TRANSACTIONS -> ((DescribeTransactionsRequestData) body).transactionalIds()
                    .forEach(t -> txn(n, t, AclOperation.DESCRIBE));
            case DESCRIBE_CLIENT_QUOTAS -> n.add(new Need(ResourceType.CLUSTER, CLUSTER, AclOperation.DESCRIBE_CONFIGS));
            case DESCRIBE_CLUSTER, DESCRIBE_ACLS, DESCRIBE_USER_SCRAM_CREDENTIALS, LIST_TRANSACTIONS ->
                    n.add(new Need(ResourceType.CLUSTER, CLUSTER, AclOperation.DESCRIBE));
            default -> n.add(new Need(ResourceType.CLUSTER, CLUSTER, AclOperation.ALTER)); // ACL and SCRAM changes, anything new
        }
        return n;
    }

    private String nameOf(Uuid id) {
        String name = topicNames == null || id == null ? null : topicNames.apply(id);
        return name != null ? name : String.valueOf(id);
    }

    private static void topic(List<Need> n, String name, AclOperation op) {
        n.add(new Need(ResourceType.TOPIC, name == null ? "" : name, op));
    }

    private static void group(List<Need> n, String name, AclOperation op) {
        n.add(new Need(ResourceType.GROUP, name == null ? "" : name, op));
    }

    private static void txn(List<Need> n, String id, AclOperation op) {
        if (id != null) {
            n.add(new Need(ResourceType.TRANSACTIONAL_ID, id, op));
        }
    }

    private static void config(List<Need> n, byte resourceType, String name, AclOperation op) {
        if (resourceType == org.apache.kafka.common.config.ConfigResource.Type.TOPIC.id()) {
            topic(n, name, op);
        } else {
            n.add(new Need(ResourceType.CLUSTER, CLUSTER, op));
        }
    }
}
