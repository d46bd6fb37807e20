package io.netforge.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import io.netforge.security.SecurityProperties.Scope;

/** A request authenticated by an API key: the key's id, and its scopes as authorities ({@code SCOPE_train}, ...). */
final class KeyAuthentication extends AbstractAuthenticationToken {

    private final ApiKeys.Configured key;

    KeyAuthentication(ApiKeys.Configured key) {
        super(key.key().scopes().stream().map(s -> new SimpleGrantedAuthority("SCOPE_" + s.id())).toList());
        this.key = key;
        setAuthenticated(true);
    }

    String id() {
        return key.id();
    }

    boolean has(Scope scope) {
        return key.key().has(scope);
    }

    List<String> scopes() {
        return key.key().scopes().stream().map(Scope::id).sorted().toList();
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return key.id();
    }
}
