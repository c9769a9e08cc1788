package io.dealsetl.app;

import java.net.InetAddress;
import java.util.UUID;

/** A name for this process that is unique among instances sharing a database: host, pid, random. */
final class InstanceId {
    private InstanceId() {
    }

    static String create() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
