/** Test support shared by every suite: one of each helper, by what it does. */
export {
  kindKeys,
  metadataPath,
  providers,
  resourceId,
  resourceTypes,
  stored,
  testKinds,
  type Ids,
  type KindKey,
  type StoredMetadata,
  type TestKind,
} from "./kinds";
export { clientFor } from "./clerk";
export { assertOk, opCounts, ops } from "./operations";
export { assertSameCalls, callsOf, sorted, type Call } from "./wire";
export { rejection } from "./rejection";
export {
  checkAndCreate,
  checkedInputs,
  configRequest,
  configureFor,
  runCheck,
  startConfiguredEmulator,
} from "./hooks";
