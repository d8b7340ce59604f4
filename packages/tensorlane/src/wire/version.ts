/** This package's version, as in its package.json (a test keeps them equal). */
export const VERSION = '0.1.0';

/** The onnxruntime-web version this package depends on, exactly (a test keeps it equal to the installed one). */
export const ORT_VERSION = '1.31.1';
