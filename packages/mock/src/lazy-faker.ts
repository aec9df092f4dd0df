// Prism's mocker loads @faker-js/faker (every locale: about half a second) when it is
// imported, but uses it only to generate dynamic responses. Prism gets a stand-in that
// loads faker on first use instead, so the mock answers its first request that much sooner.
import Module from 'node:module';

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const load = loader._load;

loader._load = function lazyFaker(this: unknown, request, parent, isMain) {
  if (request !== '@faker-js/faker' || !parent?.filename?.includes('prism-http'))
    return load.call(this, request, parent, isMain);
  let real: object | undefined;
  const faker = () => (real ??= (load.call(this, request, parent, isMain) as { default: object }).default);
  // json-schema-faker keeps the object Prism hands it and reads properties off it later.
  const standIn = new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(faker(), key),
      has: (_, key) => Reflect.has(faker(), key),
      ownKeys: () => Reflect.ownKeys(faker()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(faker(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  return { default: standIn, faker: standIn };
};
