// Stands in for `sharp` (images) in the bundled embedding worker: codectx embeds text only, and loading sharp's
// native libvips costs the server ~26 MB of memory for nothing. Anything that does reach it fails loudly.
function sharp(): never {
  throw new Error('codectx: image processing is not available in the embedding worker');
}
export default sharp;
