package io.busbar.routes.admin;

import io.busbar.routes.InvalidSettingException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** A parsed {@code host:port} (IPv6 as {@code [::1]:8180}). Immutable. */
record ListenerAddress(String host, int port) {

    static boolean isValid(String value) {
        try {
            parse(value);
            return true;
        } catch (InvalidSettingException e) {
            return false;
        }
    }

    static ListenerAddress parse(String value) {
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

    InetSocketAddress resolve() {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException("Admin listener host '" + host + "' does not resolve: use an IP address"
                    + " such as 127.0.0.1 (fix busbar.admin.listener)");
        }
    }

    boolean isLoopback() {
        return resolve().getAddress().isLoopbackAddress();
    }
}
