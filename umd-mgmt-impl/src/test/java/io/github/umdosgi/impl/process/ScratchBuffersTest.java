package io.github.umdosgi.impl.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScratchBuffersTest {

    @Test
    void pairsAreReusedUpToTheBoundAndHaveTheDocumentedShape() {
        ScratchBuffers pool = new ScratchBuffers(1);
        ScratchBuffers.Scratch a = pool.take();
        ScratchBuffers.Scratch b = pool.take();
        assertNotSame(a, b, "two calls in flight get two pairs");
        assertEquals(ScratchBuffers.HEAD_SIZE, a.head().capacity());
        assertFalse(a.head().isDirect(), "the head goes through the stream's stack buffer");
        assertTrue(a.bulk().isDirect());
        assertEquals(ScratchBuffers.BULK_SIZE, a.bulk().capacity());

        pool.give(a);
        pool.give(b); // over the bound: left to the GC
        assertSame(a, pool.take());
        assertNotSame(b, pool.take(), "only one pair was kept");
    }
}
