package io.fhirflow.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS context for talking to the registry: the JVM default (so {@code javax.net.ssl.*} system
 * properties apply) unless Confluent's {@code schema.registry.ssl.*} keys name a trust store or key
 * store, which lets a deployment mount them per client instead of per JVM. Hostnames are verified
 * by the JDK's HttpClient either way.
 */
final class RegistryTls {

  private RegistryTls() {}

  static SSLContext fromConfig(SerdeConfig config) {
    String trustStore = config.getString(SerdeConfig.SSL_TRUSTSTORE_LOCATION_CONFIG);
    String keyStore = config.getString(SerdeConfig.SSL_KEYSTORE_LOCATION_CONFIG);
    try {
      if (trustStore.isEmpty() && keyStore.isEmpty()) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(
          trustStore.isEmpty()
              ? null
              : load(
                  SerdeConfig.SSL_TRUSTSTORE_LOCATION_CONFIG,
                  trustStore,
                  config.getString(SerdeConfig.SSL_TRUSTSTORE_TYPE_CONFIG),
                  config.getPassword(SerdeConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG)));
      KeyManagerFactory keys = null;
      if (!keyStore.isEmpty()) {
        Password storePassword = config.getPassword(SerdeConfig.SSL_KEYSTORE_PASSWORD_CONFIG);
        Password keyPassword = config.getPassword(SerdeConfig.SSL_KEY_PASSWORD_CONFIG);
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(
            load(
                SerdeConfig.SSL_KEYSTORE_LOCATION_CONFIG,
                keyStore,
                config.getString(SerdeConfig.SSL_KEYSTORE_TYPE_CONFIG),
                storePassword),
            chars(keyPassword.value().isEmpty() ? storePassword : keyPassword));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no TLS", e);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          "the registry's TLS settings are unusable: " + e.getClass().getSimpleName());
    }
  }

  private static KeyStore load(String key, String location, String type, Password password)
      throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, chars(password));
      return store;
    } catch (IOException e) {
      // Also a wrong password: KeyStore.load reports it as an IOException.
      throw new ConfigException(
          key,
          location,
          "cannot be read as a " + type + " store (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static char[] chars(Password password) {
    return password == null || password.value().isEmpty() ? null : password.value().toCharArray();
  }
}
