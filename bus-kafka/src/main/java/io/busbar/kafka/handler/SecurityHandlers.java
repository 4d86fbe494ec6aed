package io.busbar.kafka.handler;

import io.busbar.kafka.security.AclAuthorizer;
import io.busbar.kafka.security.ListenerSecurity;
import io.busbar.kafka.security.ScramCredentialStore;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The security APIs: SaslHandshake/SaslAuthenticate (the exchange itself is {@code SaslAuthentication}),
 * CreateAcls/DescribeAcls/DeleteAcls (so {@code kafka-acls} works) and AlterUserScramCredentials /
 * DescribeUserScramCredentials (so {@code kafka-configs --alter --add-config SCRAM-SHA-256=...} works). Who may call
 * the admin ones is decided before, by the authorization step (ALTER / DESCRIBE on the cluster). Stateless.
 */
final class SecurityHandlers {

    private SecurityHandlers() {
    }

    static void register(ListenerSecurity security, Map<ApiKeys, ApiHandler> h) {
        h.put(ApiKeys.SASL_HANDSHAKE, (c, r) -> done(security.sasl().handshake(c.session(), (SaslHandshakeRequestData) r, c.apiVersion())));
        h.put(ApiKeys.SASL_AUTHENTICATE, (c, r) -> done(security.sasl().authenticate(c.session(),
                (SaslAuthenticateRequestData) r)));
        h.put(ApiKeys.CREATE_ACLS, (c, r) -> done(createAcls(security.acls(), (CreateAclsRequestData) r)));
        h.put(ApiKeys.DESCRIBE_ACLS, (c, r) -> done(describeAcls(security.acls(), (DescribeAclsRequestData) r)));
        h.put(ApiKeys.DELETE_ACLS, (c, r) -> done(deleteAcls(security.acls(), (DeleteAclsRequestData) r)));
        h.put(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, (c, r) -> done(alterScram(security.credentials(),
                (AlterUserScramCredentialsRequestData) r)));
        h.put(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, (c, r) -> done(describeScram(security.credentials(),
                (DescribeUserScramCredentialsRequestData) r)));
        // Busbar has no client quotas; kafka-configs --describe --entity-type users asks for them with the credentials
        h.putIfAbsent(ApiKeys.DESCRIBE_CLIENT_QUOTAS, (c, r) -> done(
                new org.apache.kafka.common.message.DescribeClientQuotasResponseData().setEntries(new ArrayList<>())));
    }

    private static CompletableFuture<ApiMessage> done(ApiMessage m) {
        return CompletableFuture.completedFuture(m);
    }

    static CreateAclsResponseData createAcls(AclAuthorizer acls, CreateAclsRequestData request) {
        CreateAclsResponseData response = new CreateAclsResponseData();
        List<AclBinding> valid = new ArrayList<>();
        for (CreateAclsRequestData.AclCreation creation : request.creations()) {
            CreateAclsResponseData.AclCreationResult result = new CreateAclsResponseData.AclCreationResult();
            try {
                AclBinding b = CreateAclsRequest.aclBinding(creation);
                AclAuthorizer.validate(b);
                valid.add(b);
            } catch (RuntimeException e) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
            }
            response.results().add(result);
        }
        acls.add(valid);
        return response;
    }

    static DescribeAclsResponseData describeAcls(AclAuthorizer acls, DescribeAclsRequestData r) {
        AclBindingFilter filter = new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.fromCode(r.resourceTypeFilter()), r.resourceNameFilter(),
                        PatternType.fromCode(r.patternTypeFilter())),
                new AccessControlEntryFilter(r.principalFilter(), r.hostFilter(), AclOperation.fromCode(r.operation()),
                        AclPermissionType.fromCode(r.permissionType())));
        if (filter.isUnknown()) {
            return new DescribeAclsResponseData().setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("The ACL filter has an unknown resource type, pattern, operation or permission");
        }
        return new DescribeAclsResponseData().setResources(DescribeAclsResponse.aclsResources(acls.describe(filter)));
    }

    static DeleteAclsResponseData deleteAcls(AclAuthorizer acls, DeleteAclsRequestData request) {
        DeleteAclsResponseData response = new DeleteAclsResponseData();
        for (DeleteAclsRequestData.DeleteAclsFilter f : request.filters()) {
            AclBindingFilter filter = new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.fromCode(f.resourceTypeFilter()), f.resourceNameFilter(),
                            PatternType.fromCode(f.patternTypeFilter())),
                    new AccessControlEntryFilter(f.principalFilter(), f.hostFilter(), AclOperation.fromCode(f.operation()),
                            AclPermissionType.fromCode(f.permissionType())));
            DeleteAclsResponseData.DeleteAclsFilterResult result = new DeleteAclsResponseData.DeleteAclsFilterResult();
            if (filter.isUnknown()) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("The ACL filter has unknown fields");
            } else {
                for (AclBinding b : acls.delete(filter)) {
                    result.matchingAcls().add(DeleteAclsResponse.matchingAcl(b, ApiError.NONE));
                }
            }
            response.filterResults().add(result);
        }
        return response;
    }

    static AlterUserScramCredentialsResponseData alterScram(ScramCredentialStore store,
                                                          AlterUserScramCredentialsRequestData request) {
        Map<String, ApiError> results = new LinkedHashMap<>();
        Set<String> touched = new HashSet<>();
        for (var d : request.deletions()) {
            touched.add(d.name());
            results.putIfAbsent(d.name(), ApiError.NONE);
            ScramMechanism m = mechanism(d.mechanism());
            if (m == null) {
                results.put(d.name(), new ApiError(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism " + d.mechanism()));
            } else if (!store.delete(d.name(), m)) {
                results.put(d.name(), new ApiError(Errors.RESOURCE_NOT_FOUND, "No " + m.mechanismName()
                        + " credential for user " + d.name()));
            }
        }
        for (var u : request.upsertions()) {
            results.putIfAbsent(u.name(), ApiError.NONE);
            ScramMechanism m = mechanism(u.mechanism());
            if (m == null) {
                results.put(u.name(), new ApiError(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism " + u.mechanism()));
            } else if (ScramCredentialStore.iterationsOutOfRange(m, u.iterations())) {
                results.put(u.name(), new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "Iterations " + u.iterations()
                        + " out of range " + m.minIterations() + ".." + m.maxIterations()));
            } else if (u.name().isEmpty()) {
                results.put(u.name(), new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "Empty user name"));
            } else {
                store.upsertSalted(u.name(), m, u.salt(), u.saltedPassword(), u.iterations());
            }
        }
        AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
        results.forEach((user, e) -> response.results().add(new AlterUserScramCredentialsResult().setUser(user)
                .setErrorCode(e.error().code()).setErrorMessage(e.error() == Errors.NONE ? null : e.message())));
        return response;
    }

    static DescribeUserScramCredentialsResponseData describeScram(ScramCredentialStore store,
                                                                DescribeUserScramCredentialsRequestData request) {
        var all = store.describe();
        List<String> users = request.users() == null || request.users().isEmpty()
                ? new ArrayList<>(all.keySet()) : request.users().stream().map(u -> u.name()).toList();
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        for (String user : users) {
            DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
            var creds = all.get(user);
            if (creds == null) {
                result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code()).setErrorMessage("Attempt to describe a user"
                        + " credential that does not exist: " + user);
            } else {
                creds.forEach((mech, iterations) -> result.credentialInfos().add(new CredentialInfo()
                        .setMechanism(ScramMechanism.forMechanismName(mech).type()).setIterations(iterations)));
            }
            response.results().add(result);
        }
        return response;
    }

    private static ScramMechanism mechanism(byte type) {
        for (ScramMechanism m : ScramMechanism.values()) {
            if (m.type() == type) {
                return m;
            }
        }
        return null;
    }
}
