package io.netforge.compute;

/**
 * How the fast kernels cut N rows into work: blocks of {@link #ROWS_PER_BLOCK} rows (the unit that stays in
 * cache through a forward and backward pass), grouped into at most {@link #MAX_SEGMENTS} segments of
 * consecutive blocks (the unit a thread claims, with its own partial sums).
 *
 * <p>Both depend on N alone, never on the thread count or the load: a segment adds its blocks' sums in block
 * order, and the segments' sums are added in segment order, so a gradient has the same bits however many
 * threads computed it.
 */
final class RowBlocks {

    static final int ROWS_PER_BLOCK = 256;
    static final int MAX_SEGMENTS = 64;

    final int rows;
    final int blocks;
    final int segments;
    private final int blocksPerSegment;

    RowBlocks(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("need at least one row, was " + rows);
        }
        this.rows = rows;
        this.blocks = (rows + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK;
        this.blocksPerSegment = (blocks + MAX_SEGMENTS - 1) / MAX_SEGMENTS;
        this.segments = (blocks + blocksPerSegment - 1) / blocksPerSegment;
    }

    int firstBlock(int segment) {
        return segment * blocksPerSegment;
    }

    int endBlock(int segment) {
        return Math.min(blocks, (segment + 1) * blocksPerSegment);
    }

    /** Rows of {@code block} that hold data; only the last block can have fewer than ROWS_PER_BLOCK. */
    int rowsIn(int block) {
        return Math.min(ROWS_PER_BLOCK, rows - block * ROWS_PER_BLOCK);
    }
}
