package io.busbar.routes.http;

import io.busbar.routes.InvalidSettingException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** A parsed listener setting {@code host:port} (IPv6 as {@code [::1]:8180}; port 0: any free port). Immutable. */
public record ListenerAddress(String host, int port) {

    public static boolean isValid(String value) {
        try {
            parse(value);
            return true;
        } catch (InvalidSettingException e) {
            return false;
        }
    }

    public static ListenerAddress parse(String value) {
        String v = value.trim();
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new InvalidSettingException("Listener '" + value + "' is invalid: use host:port, e.g. 127.0.0.1:8180");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(v.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new ListenerAddress(host, port);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("Listener '" + value + "' has an invalid port: use 0..65535");
        }
    }

    /** The socket address; the error names the setting to fix. */
    public InetSocketAddress resolve(String setting) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException("Listener host '" + host + "' does not resolve: use an IP address"
                    + " such as 127.0.0.1 (fix " + setting + ")");
        }
    }

    public boolean isLoopback(String setting) {
        return resolve(setting).getAddress().isLoopbackAddress();
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
