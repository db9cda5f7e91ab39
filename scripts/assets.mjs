// The third-party files Backdrop needs at run time. They are provisioned into public/ at install
// time (never committed): from a local folder when present, otherwise from their official URLs.
// Every file is checked against its sha256 from ../shared/models/SOURCES.md.
const TFLITE = 'https://storage.googleapis.com/download.tensorflow.org/models/tflite/task_library';
const GH_RAW = 'https://raw.githubusercontent.com';
const TFEX = `${GH_RAW}/tensorflow/examples/608f7db8c511e3dcc420afc564496e4516ceb800/lite/examples/style_transfer/android/app/src/main/assets/thumbnails`;

export const MODELS = [
  {
    name: 'lite-model_deeplabv3_1_metadata_2.tflite',
    sha256: '9711334db2b01d5894feb8ed0f5cb3e97d125b8d229f8d8692f625801818f5ef',
    url: `${TFLITE}/image_segmentation/android/lite-model_deeplabv3_1_metadata_2.tflite`,
  },
  {
    name: 'magenta_arbitrary-image-stylization-v1-256_int8_prediction_1.tflite',
    sha256: 'af6ad4b2e7aeba0675f32636082ab915ced5375229a3f8aff7e714c6213f5ed2',
    url: `${TFLITE}/style_transfer/android/magenta_arbitrary-image-stylization-v1-256_int8_prediction_1.tflite`,
  },
  {
    name: 'magenta_arbitrary-image-stylization-v1-256_fp16_transfer_1.tflite',
    sha256: '53b5243ed5aa33e408db7976c8a8e51a90a0f7708fd122a31428cd00fbdf6aa6',
    url: `${TFLITE}/style_transfer/android/magenta_arbitrary-image-stylization-v1-256_fp16_transfer_1.tflite`,
  },
  {
    name: 'magenta_arbitrary-image-stylization-v1-256_int8_transfer_1.tflite',
    sha256: '7a1550643cf034a4d813c0aa276976cd15da4141b4f1ec3631db1d0d9c8e2cd1',
    url: `${TFLITE}/style_transfer/android/magenta_arbitrary-image-stylization-v1-256_int8_transfer_1.tflite`,
  },
];

// The welcome page's live example (src/ui/welcome/): the test photo of the official TFLite image-segmentation
// sample (children and a girl with a horse, 257×257), the golden input for the DeepLab file above. `local` is
// where it sits in the local folder (../shared), `name` what the page loads (public/welcome/sample.jpg).
export const WELCOME = [
  {
    name: 'sample.jpg',
    local: 'fixtures/tfexamples_segmentation_input_image.jpg',
    sha256: '5bf58d8af1f1c33224f3f3bc0ce451c8daf0739cc15a86d59d8c3bf2879afb97',
    url: `${GH_RAW}/tensorflow/examples/608f7db8c511e3dcc420afc564496e4516ceb800/lite/examples/image_segmentation/android/app/src/androidTest/assets/input_image.jpg`,
  },
];

// The 26 built-in styles of the official TFLite style-transfer sample (style0 … style25).
// Their sha256 are pinned in styles.sha256 beside this file.
export const STYLE_COUNT = 26;
export const styleUrl = (name) => `${TFEX}/${name}`;
