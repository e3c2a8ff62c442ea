package io.github.umdosgi.sample.internal;

import io.github.umdosgi.api.HandlerChannel;
import io.github.umdosgi.api.PostStartHook;
import io.github.umdosgi.sample.SampleProtocol;

/**
 * Post-start hook named by the bundle's {@code UMD-Driver} header: like the
 * kernel sample's {@code post_start}, it requests offset 0 from every freshly
 * started handler and verifies the reply, so a broken handler never serves
 * callers. Loaded by the UMD manager through the bundle's class loader.
 */
public final class SampleHealthCheck implements PostStartHook {

    /** Required by the manager, which instantiates the hook reflectively. */
    public SampleHealthCheck() {
    }

    @Override
    public void afterStart(HandlerChannel channel) throws Exception {
        byte[] reply = channel.call(SampleProtocol.encode(0));
        SampleProtocol.verify(channel.driverName(), reply, 0);
    }
}
