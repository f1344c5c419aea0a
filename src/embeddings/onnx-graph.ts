// The ONNX graph of a static word-embedding model, written with onnx-proto (no Python, no converter).
// last_hidden_state[b, s, :] = table[input_ids[b, s], :] * scale[input_ids[b, s]] * attention_mask[b, s]
// The table is int8 with one float scale per row; transformers.js then mean-pools over the mask and
// normalises, which makes the sentence vector a normalised average of its word vectors.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;

export interface QuantizedTable {
  rows: number;
  dimensions: number;
  /** rows * dimensions int8 values, row-major. */
  values: Int8Array;
  /** One scale per row. */
  scales: Float32Array;
}

export interface GraphMetadata {
  docString: string;
  producerVersion: string;
  metadata: Record<string, string>;
}

const OPSET = 13;
const IR_VERSION = 7; // onnxruntime 1.22 reads this IR too; kept for the models already built

function float32LittleEndian(values: Float32Array): Uint8Array {
  // Written byte by byte so the file is the same on any host byte order.
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

function int64LittleEndian(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return bytes;
}

function tensorInput(name: string, elemType: number, dims: (string | number)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** A model of one graph at a modest IR version and opset every onnxruntime since 1.14 reads. */
function encodeModel(graph: object, header: { producerName: string; producerVersion?: string; docString?: string; metadataProps?: { key: string; value: string }[] }): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: IR_VERSION, opsetImport: [{ domain: '', version: OPSET }], ...header, graph })).finish();
}

export function buildEmbeddingGraph(table: QuantizedTable, meta: GraphMetadata): Uint8Array {
  if (table.values.length !== table.rows * table.dimensions || table.scales.length !== table.rows) {
    throw new Error('quantized table has inconsistent sizes');
  }
  const ids = ['batch_size', 'sequence_length'];
  const graph = {
    name: 'static_word_embeddings',
    input: [tensorInput('input_ids', DataType.INT64, ids), tensorInput('attention_mask', DataType.INT64, ids)],
    output: [tensorInput('last_hidden_state', DataType.FLOAT, [...ids, table.dimensions])],
    initializer: [
      {
        name: 'embedding_table_int8',
        dataType: DataType.INT8,
        dims: [table.rows, table.dimensions],
        rawData: new Uint8Array(table.values.buffer, table.values.byteOffset, table.values.byteLength),
      },
      { name: 'embedding_row_scale', dataType: DataType.FLOAT, dims: [table.rows, 1], rawData: float32LittleEndian(table.scales) },
      { name: 'last_axis', dataType: DataType.INT64, dims: [1], rawData: int64LittleEndian([-1]) },
    ],
    node: [
      { opType: 'Gather', name: 'gather_rows', input: ['embedding_table_int8', 'input_ids'], output: ['rows_int8'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
      { opType: 'Cast', name: 'rows_to_float', input: ['rows_int8'], output: ['rows_unscaled'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }] },
      { opType: 'Gather', name: 'gather_scales', input: ['embedding_row_scale', 'input_ids'], output: ['row_scales'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
      { opType: 'Mul', name: 'dequantize', input: ['rows_unscaled', 'row_scales'], output: ['token_vectors'] },
      // Zero the padding positions too, so last_hidden_state is meaningful without the pooling step.
      { opType: 'Cast', name: 'mask_to_float', input: ['attention_mask'], output: ['mask_float'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }] },
      { opType: 'Unsqueeze', name: 'mask_last_axis', input: ['mask_float', 'last_axis'], output: ['mask_3d'] },
      { opType: 'Mul', name: 'apply_mask', input: ['token_vectors', 'mask_3d'], output: ['last_hidden_state'] },
    ],
  };
  return encodeModel(graph, {
    producerName: 'stalking-screener scripts/build-model.ts',
    producerVersion: meta.producerVersion,
    docString: meta.docString,
    metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
  });
}

/**
 * similarities[n, k] = clauses[n, :] . exemplars[k, :]: every clause vector against every exemplar
 * in one MatMul, which onnxruntime runs with SIMD on its own threads. The same dot products in a
 * JavaScript loop took a sixth of the hybrid screener's main-thread time.
 */
export function buildSimilarityGraph(exemplars: Float32Array, count: number, dimensions: number): Uint8Array {
  if (exemplars.length !== count * dimensions) throw new Error('exemplar matrix has inconsistent sizes');
  const transposed = new Float32Array(dimensions * count);
  for (let k = 0; k < count; k++) for (let j = 0; j < dimensions; j++) transposed[j * count + k] = exemplars[k * dimensions + j]!;
  const graph = {
    name: 'exemplar_similarity',
    input: [tensorInput('clauses', DataType.FLOAT, ['clause_count', dimensions])],
    output: [tensorInput('similarities', DataType.FLOAT, ['clause_count', count])],
    initializer: [{ name: 'exemplars_t', dataType: DataType.FLOAT, dims: [dimensions, count], rawData: float32LittleEndian(transposed) }],
    node: [{ opType: 'MatMul', name: 'dot_products', input: ['clauses', 'exemplars_t'], output: ['similarities'] }],
  };
  return encodeModel(graph, { producerName: 'stalking-screener' });
}
