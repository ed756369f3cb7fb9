/**
 * The dynamic provider of `OrganizationMetadata`, as this module's whole export. Pulumi serializes a
 * provider that is a module's export as one `require` of that module (when the package is
 * installed), which keeps the `__provider` stored in every resource's state small.
 */
import { metadataProvider } from "./metadataProvider";

export = metadataProvider("organization");
